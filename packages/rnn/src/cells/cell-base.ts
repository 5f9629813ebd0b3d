import { Module } from "@nablajs/nn";
import { type DType, type Generator, shapeStr, type Tensor, zeros } from "@nablajs/tensor";
import { checkFloatDType, checkSize, initWeights } from "../init-weights.js";
import type { CellWeights } from "./steps.js";

/** Options of RNNCell, LSTMCell and GRUCell. */
export interface CellOptions {
  inputSize: number;
  hiddenSize: number;
  /** Learn b_ih and b_hh (default true). */
  bias?: boolean;
  /** float32 (default) or float64. */
  dtype?: DType;
  /** Seeds the initialisation. */
  generator?: Generator;
}

/** What every cell shares: PyTorch-named parameters weight_ih, weight_hh, bias_ih, bias_hh and input checks. */
export abstract class CellBase extends Module {
  readonly inputSize: number;
  readonly hiddenSize: number;
  readonly bias: boolean;
  /** W_ih [G H, I], the gates' input weights stacked in PyTorch's order. */
  weight_ih: Tensor;
  /** W_hh [G H, H], the gates' recurrent weights. */
  weight_hh: Tensor;
  /** b_ih [G H] (null without bias). */
  bias_ih: Tensor | null;
  /** b_hh [G H] (null without bias). */
  bias_hh: Tensor | null;

  constructor(
    protected readonly op: string,
    gates: number,
    opts: CellOptions,
  ) {
    super();
    if (typeof opts !== "object" || opts === null)
      throw new Error(`${op}: expected options { inputSize, hiddenSize }`);
    this.inputSize = checkSize(op, "inputSize", opts.inputSize);
    this.hiddenSize = checkSize(op, "hiddenSize", opts.hiddenSize);
    this.bias = opts.bias ?? true;
    const dtype = checkFloatDType(op, opts.dtype ?? "float32");
    const w = initWeights({
      inputSize: this.inputSize,
      hiddenSize: this.hiddenSize,
      gates,
      bias: this.bias,
      dtype,
      generator: opts.generator,
    });
    this.weight_ih = this.registerParameter("weight_ih", w.wih);
    this.weight_hh = this.registerParameter("weight_hh", w.whh);
    this.bias_ih = this.registerParameter("bias_ih", w.bih);
    this.bias_hh = this.registerParameter("bias_hh", w.bhh);
  }

  /** The current weights (after `to(dtype)` or loading they are read afresh). */
  protected weights(): CellWeights {
    return { wih: this.weight_ih, whh: this.weight_hh, bih: this.bias_ih, bhh: this.bias_hh };
  }

  /** Checks x [B, inputSize] and its dtype; returns B. */
  protected checkInput(x: Tensor): number {
    const I = this.inputSize;
    if (x?.shape === undefined) throw new Error(`${this.op}: input must be a Tensor`);
    if (x.ndim !== 2 || x.shape[1] !== I)
      throw new Error(`${this.op}: expected input [B, ${I}] (batch, inputSize), got ${shapeStr(x.shape)}`);
    if (x.dtype !== this.weight_ih.dtype)
      throw new Error(`${this.op}: input is ${x.dtype} but the parameters are ${this.weight_ih.dtype}`);
    return x.shape[0]!;
  }

  /** A state tensor `name` checked to be [B, H] of the parameters' dtype, or zeros when absent. */
  protected stateOrZeros(name: string, s: Tensor | undefined, B: number): Tensor {
    const H = this.hiddenSize;
    const dtype = this.weight_ih.dtype;
    if (s === undefined || s === null) return zeros([B, H], { dtype });
    if (s.ndim !== 2 || s.shape[0] !== B || s.shape[1] !== H)
      throw new Error(
        `${this.op}: state ${name} must be [${B}, ${H}] (batch, hiddenSize), got ${shapeStr(s.shape)}`,
      );
    if (s.dtype !== dtype)
      throw new Error(`${this.op}: state ${name} is ${s.dtype} but the parameters are ${dtype}`);
    return s;
  }

  protected override extraRepr(): string {
    return `${this.inputSize}, ${this.hiddenSize}${this.bias ? "" : ", bias=false"}`;
  }
}
