import { dropout, Module } from "@nablajs/nn";
import {
  concat,
  defaultGenerator,
  type Generator,
  narrow,
  reshape,
  shapeStr,
  stack,
  type Tensor,
  transpose,
  zeros,
} from "@nablajs/tensor";
import type { CellWeights } from "../cells/steps.js";
import { type CellKind, type DirectionSpec, gatesOf, packInputs } from "../direction.js";
import { fusedDirection } from "../fused/fused-direction.js";
import { checkFloatDType, checkSize, initWeights } from "../init-weights.js";
import { referenceDirection } from "../reference/reference-direction.js";
import {
  checkDropout,
  parseLengths,
  type RecurrentForwardOptions,
  type RecurrentLayerOptions,
} from "./options.js";

/** The result of a layer: output [T, B, D H] ([B, T, D H] batch-first), h_n (and c_n) [L D, B, H]. */
export interface LayerResult {
  output: Tensor;
  h: Tensor;
  c: Tensor | null;
}

/**
 * What RNN, LSTM and GRU share: PyTorch's parameters (weight_ih_l{k}, weight_hh_l{k},
 * bias_ih_l{k}, bias_hh_l{k}, and `_reverse` for the second direction, registered in PyTorch's
 * order), input and state checks, layer stacking, dropout and the choice of path.
 */
export abstract class RecurrentLayer extends Module {
  readonly inputSize: number;
  readonly hiddenSize: number;
  readonly numLayers: number;
  readonly bias: boolean;
  readonly batchFirst: boolean;
  readonly dropout: number;
  readonly bidirectional: boolean;
  /** Run the fused sequence kernels (true by default); false forces the reference path. */
  fused: boolean;
  private readonly generator: Generator;
  /** Each layer direction's weights, at index layer * directions + direction. */
  private readonly cells: CellWeights[] = [];

  constructor(
    protected readonly op: string,
    protected readonly kind: CellKind,
    opts: RecurrentLayerOptions,
  ) {
    super();
    if (typeof opts !== "object" || opts === null)
      throw new Error(`${op}: expected options { inputSize, hiddenSize, ... }`);
    this.inputSize = checkSize(op, "inputSize", opts.inputSize);
    this.hiddenSize = checkSize(op, "hiddenSize", opts.hiddenSize);
    this.numLayers = checkSize(op, "numLayers", opts.numLayers ?? 1);
    this.bias = opts.bias ?? true;
    this.batchFirst = opts.batchFirst ?? false;
    this.dropout = checkDropout(op, opts.dropout ?? 0);
    this.bidirectional = opts.bidirectional ?? false;
    this.fused = opts.fused ?? true;
    this.generator = opts.generator ?? defaultGenerator;
    const dtype = checkFloatDType(op, opts.dtype ?? "float32");
    const D = this.directions;
    for (let l = 0; l < this.numLayers; l++) {
      for (let d = 0; d < D; d++) {
        const w = initWeights({
          inputSize: l === 0 ? this.inputSize : D * this.hiddenSize,
          hiddenSize: this.hiddenSize,
          gates: gatesOf(kind),
          bias: this.bias,
          dtype,
          generator: this.generator,
        });
        const names = this.paramNames(l, d);
        this.cells.push({
          wih: this.registerParameter(names.wih, w.wih),
          whh: this.registerParameter(names.whh, w.whh),
          bih: this.bias ? this.registerParameter(names.bih, w.bih) : null,
          bhh: this.bias ? this.registerParameter(names.bhh, w.bhh) : null,
        });
      }
    }
  }

  /** 2 when bidirectional, else 1. */
  get directions(): number {
    return this.bidirectional ? 2 : 1;
  }

  private paramNames(layer: number, dir: number) {
    const sfx = `_l${layer}${dir === 1 ? "_reverse" : ""}`;
    return { wih: `weight_ih${sfx}`, whh: `weight_hh${sfx}`, bih: `bias_ih${sfx}`, bhh: `bias_hh${sfx}` };
  }

  /**
   * The weights of one layer direction (`weight_ih_l{layer}`, ... as PyTorch names them). Loading
   * and `to(dtype)` update parameters in place, so these stay the module's own.
   */
  weightsOf(layer: number, dir: number): CellWeights {
    const w = this.cells[layer * this.directions + dir];
    if (w === undefined)
      throw new Error(
        `${this.op}: no layer ${layer} direction ${dir} (numLayers ${this.numLayers}, directions ${this.directions})`,
      );
    return w;
  }

  /** The checked [L D, B, H] state `name`, or zeros. */
  private stateOrZeros(name: string, s: Tensor | undefined, B: number, dtype: string): Tensor {
    const shape = [this.numLayers * this.directions, B, this.hiddenSize];
    if (s === undefined || s === null) return zeros(shape, { dtype: dtype as "float32" });
    if (s.shape.join() !== shape.join())
      throw new Error(
        `${this.op}: initial state ${name} must be ${shapeStr(shape)} = [numLayers * directions, batch, hiddenSize], got ${shapeStr(s.shape)}`,
      );
    if (s.dtype !== dtype)
      throw new Error(`${this.op}: initial state ${name} is ${s.dtype}, expected ${dtype}`);
    return s;
  }

  /** Checks x and returns it as [T, B, I]. */
  private timeMajor(x: Tensor): Tensor {
    const I = this.inputSize;
    const layout = this.batchFirst ? "[B, T, inputSize] (batchFirst)" : "[T, B, inputSize]";
    if (x?.shape === undefined) throw new Error(`${this.op}: input must be a Tensor`);
    if (x.ndim !== 3 || x.shape[2] !== I || x.shape[0] === 0 || x.shape[1] === 0)
      throw new Error(`${this.op}: expected input ${layout} with inputSize ${I}, got ${shapeStr(x.shape)}`);
    const dtype = this.weightsOf(0, 0).wih.dtype;
    if (x.dtype !== dtype) throw new Error(`${this.op}: input is ${x.dtype} but the parameters are ${dtype}`);
    return this.batchFirst ? transpose(x, [1, 0, 2]) : x;
  }

  /** Runs every layer and direction; `c` is read and returned only for the LSTM. */
  protected run(
    x: Tensor,
    state: { h?: Tensor; c?: Tensor } | undefined,
    opts: RecurrentForwardOptions,
  ): LayerResult {
    const xs = this.timeMajor(x);
    const [T, B] = xs.shape as [number, number];
    const lengths = parseLengths(this.op, opts.lengths, B, T);
    const hasC = this.kind === "LSTM";
    const h0 = this.stateOrZeros("h", state?.h, B, xs.dtype);
    const c0 = hasC ? this.stateOrZeros("c", state?.c, B, xs.dtype) : null;
    const runDirection = (opts.fused ?? this.fused) ? fusedDirection : referenceDirection;
    const slice = (s: Tensor, i: number) => reshape(narrow(s, 0, i, 1), [B, this.hiddenSize]);
    const hs: Tensor[] = [];
    const cs: Tensor[] = [];
    let input = xs;
    for (let l = 0; l < this.numLayers; l++) {
      const ys: Tensor[] = [];
      for (let d = 0; d < this.directions; d++) {
        const i = l * this.directions + d;
        const spec: DirectionSpec = { kind: this.kind, reverse: d === 1, lengths };
        const inputs = packInputs(this.kind, {
          x: input,
          h0: slice(h0, i),
          c0: c0 && slice(c0, i),
          ...this.weightsOf(l, d),
        });
        const [y, h, c] = runDirection(spec, inputs);
        ys.push(y!);
        hs.push(h!);
        if (c) cs.push(c);
      }
      input = ys.length === 1 ? ys[0]! : concat(ys, 2);
      if (l + 1 < this.numLayers && this.training && this.dropout > 0)
        input = dropout(input, this.dropout, true, this.generator);
    }
    return {
      output: this.batchFirst ? transpose(input, [1, 0, 2]) : input,
      h: stack(hs, 0),
      c: hasC ? stack(cs, 0) : null,
    };
  }

  protected override extraRepr(): string {
    const extra = [
      this.numLayers !== 1 ? `numLayers=${this.numLayers}` : "",
      this.bias ? "" : "bias=false",
      this.batchFirst ? "batchFirst=true" : "",
      this.dropout ? `dropout=${this.dropout}` : "",
      this.bidirectional ? "bidirectional=true" : "",
    ].filter((s) => s !== "");
    return [`${this.inputSize}, ${this.hiddenSize}`, ...extra].join(", ");
  }
}
