import { allocate, defaultGenerator, type Generator, isFloat, mul, Tensor } from "@nablajs/tensor";
import { Module } from "../module.js";
import { floatDType, type RandomLayerOptions } from "./options.js";

function checkP(op: string, p: number): void {
  if (typeof p !== "number" || !(p >= 0 && p < 1))
    throw new Error(`${op}: dropout probability must be in [0, 1), got ${p}`);
}

/**
 * Inverted dropout: in training, each element is zeroed with probability `p` and the survivors
 * are scaled by 1 / (1 - p), so the expected value is unchanged; outside training, x itself.
 * The mask is drawn from `generator` (seeded runs repeat exactly).
 * See https://jmlr.org/papers/v15/srivastava14a.html
 */
export function dropout(x: Tensor, p = 0.5, training = true, generator?: Generator): Tensor {
  if (!(x instanceof Tensor)) throw new Error("dropout: expected a Tensor");
  if (!isFloat(x.dtype)) throw new Error(`dropout: expected a float tensor, got ${x.dtype}`);
  checkP("dropout", p);
  if (!training || p === 0) return x;
  const g = generator ?? defaultGenerator;
  const scale = 1 / (1 - p);
  const mask = allocate(x.dtype, x.size);
  for (let i = 0; i < mask.length; i++) mask[i] = g.random() < p ? 0 : scale;
  return mul(x, new Tensor(mask, x.shape));
}

/**
 * Dropout as a layer: active in training mode only (`train()` / `eval()`), with its own seeded
 * generator when one is given. It has no parameters; `{ dtype }` is accepted and checked for
 * uniformity with the other layers, and the mask takes the input's dtype.
 */
export class Dropout extends Module {
  readonly p: number;
  private readonly generator: Generator | undefined;

  constructor(p = 0.5, opts: RandomLayerOptions = {}) {
    super();
    checkP("Dropout", p);
    floatDType("Dropout", opts.dtype);
    this.p = p;
    this.generator = opts.generator;
  }

  /** x -> x with dropout in training mode; any shape. */
  forward(x: Tensor): Tensor {
    return dropout(x, this.p, this.training, this.generator);
  }

  protected override extraRepr(): string {
    return `p=${this.p}`;
  }
}
