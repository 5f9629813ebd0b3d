// Initialisers, as torch.nn.init: each fills a tensor in place (under no recording) and returns it.
import { defaultGenerator, type Generator, isFloat, shapeStr, Tensor } from "@nablajs/tensor";
import { gramSchmidt } from "./gram-schmidt.js";

/** Options shared by the random initialisers. */
export interface InitOptions {
  /** The seeded stream to draw from (default: the global generator that `manualSeed` sets). */
  generator?: Generator;
}

/** The nonlinearities `calculateGain` knows, as torch.nn.init names them. */
export type Nonlinearity =
  | "linear"
  | "conv1d"
  | "conv2d"
  | "conv3d"
  | "sigmoid"
  | "tanh"
  | "relu"
  | "leaky_relu"
  | "selu";

/** Options of `kaimingUniform` / `kaimingNormal`. */
export interface KaimingOptions extends InitOptions {
  /** Negative slope of the leaky ReLU that follows (default 0). */
  a?: number;
  /** Preserve the variance of the forward pass ("fanIn", default) or of the backward pass. */
  mode?: "fanIn" | "fanOut";
  /** Default "leaky_relu" (with slope `a`), as PyTorch. */
  nonlinearity?: Nonlinearity;
}

/** Options of `xavierUniform`, `xavierNormal` and `orthogonal`. */
export interface GainOptions extends InitOptions {
  /** Scale factor (default 1). */
  gain?: number;
}

function writable(op: string, t: Tensor, float = true): void {
  if (!(t instanceof Tensor)) throw new Error(`${op}: expected a Tensor`);
  if (float && !isFloat(t.dtype)) throw new Error(`${op}: expected a float tensor, got ${t.dtype}`);
  if (!t.isLeaf) throw new Error(`${op}: cannot fill a tensor computed by a recorded op; use a leaf`);
  if (!t.isContiguous) throw new Error(`${op}: the tensor must be contiguous`);
}

function fill(op: string, t: Tensor, draw: (g: Generator) => number, opts: InitOptions): Tensor {
  writable(op, t);
  const g = opts.generator ?? defaultGenerator;
  for (let i = 0; i < t.size; i++) t.data[t.offset + i] = draw(g);
  return t;
}

/** Fills `t` in place with samples from U(low, high). */
export function uniform(t: Tensor, low = 0, high = 1, opts: InitOptions = {}): Tensor {
  if (!(high >= low) || !Number.isFinite(high - low))
    throw new Error(`uniform: need finite low <= high, got ${low}, ${high}`);
  return fill("uniform", t, (g) => low + (high - low) * g.random(), opts);
}

/** Fills `t` in place with samples from N(mean, std^2). */
export function normal(t: Tensor, mean = 0, std = 1, opts: InitOptions = {}): Tensor {
  if (!(std >= 0) || !Number.isFinite(mean) || !Number.isFinite(std))
    throw new Error(`normal: need a finite mean and std >= 0, got mean ${mean}, std ${std}`);
  return fill("normal", t, (g) => mean + std * g.normal(), opts);
}

/** Fills `t` in place with `value` (int32 tensors too). */
export function constant(t: Tensor, value: number): Tensor {
  writable("constant", t, false);
  t.data.fill(value, t.offset, t.offset + t.size);
  return t;
}

/** Fills `t` with zeros. Exported as `init.zeros` (the top-level `zeros` creates a tensor). */
export const zeros = (t: Tensor): Tensor => constant(t, 0);
/** Fills `t` with ones. Exported as `init.ones`. */
export const ones = (t: Tensor): Tensor => constant(t, 1);

/**
 * torch.nn.init's fans of a weight [out, in, ...kernel]: fanIn = in * receptive field, fanOut =
 * out * receptive field, the receptive field being the product of the axes after the second.
 */
export function computeFans(shape: readonly number[]): { fanIn: number; fanOut: number } {
  if (shape.length < 2)
    throw new Error(`computeFans: fans need a tensor of rank >= 2, got shape ${shapeStr(shape)}`);
  const field = shape.slice(2).reduce((n, d) => n * d, 1);
  return { fanIn: shape[1]! * field, fanOut: shape[0]! * field };
}

/**
 * The gain torch.nn.init recommends for a nonlinearity: 1 for linear, convolutions and sigmoid,
 * 5/3 for tanh, sqrt(2) for relu, sqrt(2 / (1 + slope^2)) for leaky_relu (slope `param`,
 * default 0.01), 3/4 for selu.
 */
export function calculateGain(nonlinearity: Nonlinearity, param?: number): number {
  switch (nonlinearity) {
    case "linear":
    case "conv1d":
    case "conv2d":
    case "conv3d":
    case "sigmoid":
      return 1;
    case "tanh":
      return 5 / 3;
    case "relu":
      return Math.SQRT2;
    case "leaky_relu": {
      const slope = param ?? 0.01;
      if (!Number.isFinite(slope)) throw new Error(`calculateGain: invalid negative slope ${slope}`);
      return Math.sqrt(2 / (1 + slope * slope));
    }
    case "selu":
      return 3 / 4;
    default:
      throw new Error(`calculateGain: unsupported nonlinearity ${JSON.stringify(nonlinearity)}`);
  }
}

/** std = gain * sqrt(2 / (fanIn + fanOut)) (Glorot & Bengio 2010). */
function xavierStd(op: string, t: Tensor, gain: number): number {
  if (!Number.isFinite(gain)) throw new Error(`${op}: gain must be finite, got ${gain}`);
  const { fanIn, fanOut } = computeFans(t.shape);
  return gain * Math.sqrt(2 / Math.max(fanIn + fanOut, 1));
}

/**
 * Glorot uniform: U(-b, b) with b = gain * sqrt(6 / (fanIn + fanOut)).
 * See https://proceedings.mlr.press/v9/glorot10a.html
 */
export function xavierUniform(t: Tensor, opts: GainOptions = {}): Tensor {
  const bound = Math.sqrt(3) * xavierStd("xavierUniform", t, opts.gain ?? 1);
  return uniform(t, -bound, bound, opts);
}

/** Glorot normal: N(0, std^2) with std = gain * sqrt(2 / (fanIn + fanOut)). */
export function xavierNormal(t: Tensor, opts: GainOptions = {}): Tensor {
  return normal(t, 0, xavierStd("xavierNormal", t, opts.gain ?? 1), opts);
}

/** std = gain(nonlinearity, a) / sqrt(fan) (He et al. 2015). */
function kaimingStd(op: string, t: Tensor, opts: KaimingOptions): number {
  const { a = 0, mode = "fanIn", nonlinearity = "leaky_relu" } = opts;
  if (mode !== "fanIn" && mode !== "fanOut")
    throw new Error(`${op}: mode must be "fanIn" or "fanOut", got ${JSON.stringify(mode)}`);
  const fans = computeFans(t.shape);
  const fan = mode === "fanIn" ? fans.fanIn : fans.fanOut;
  return calculateGain(nonlinearity, a) / Math.sqrt(Math.max(fan, 1));
}

/**
 * He uniform: U(-b, b) with b = gain * sqrt(3 / fan), gain from `nonlinearity` and slope `a`.
 * PyTorch's Linear uses a = sqrt(5), which gives b = 1 / sqrt(fanIn).
 * See https://arxiv.org/abs/1502.01852
 */
export function kaimingUniform(t: Tensor, opts: KaimingOptions = {}): Tensor {
  const bound = Math.sqrt(3) * kaimingStd("kaimingUniform", t, opts);
  return uniform(t, -bound, bound, opts);
}

/** He normal: N(0, std^2) with std = gain / sqrt(fan). */
export function kaimingNormal(t: Tensor, opts: KaimingOptions = {}): Tensor {
  return normal(t, 0, kaimingStd("kaimingNormal", t, opts), opts);
}

/**
 * A (semi-)orthogonal matrix times `gain`, as torch.nn.init.orthogonal_: the Q factor of the QR
 * decomposition of a standard normal matrix [rows, size / rows], with R's diagonal made positive,
 * so rows (or columns, whichever are fewer) are orthonormal: Q^T Q = I.
 * See https://arxiv.org/abs/1312.6120
 */
export function orthogonal(t: Tensor, opts: GainOptions = {}): Tensor {
  writable("orthogonal", t);
  const gain = opts.gain ?? 1;
  if (!Number.isFinite(gain)) throw new Error(`orthogonal: gain must be finite, got ${gain}`);
  if (t.ndim < 2) throw new Error(`orthogonal: needs a tensor of rank >= 2, got shape ${shapeStr(t.shape)}`);
  if (t.size === 0) return t;
  const rows = t.shape[0]!;
  const cols = t.size / rows;
  const g = opts.generator ?? defaultGenerator;
  const a = new Float64Array(rows * cols);
  for (let i = 0; i < a.length; i++) a[i] = g.normal();
  // Orthonormalise the columns of the taller of A [rows, cols] and A^T.
  const tall = rows >= cols;
  const q = gramSchmidt(a, tall ? rows : cols, tall ? cols : rows, !tall);
  for (let i = 0; i < rows; i++)
    for (let j = 0; j < cols; j++)
      t.data[t.offset + i * cols + j] = gain * q[tall ? i * cols + j : j * rows + i]!;
  return t;
}
