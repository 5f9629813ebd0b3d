import { allocate, assertDType, type DType, dtypeOfArray, type TypedArray } from "./dtype.js";
import { assertTensor } from "./ops/util.js";
import { defaultGenerator, Generator } from "./random.js";
import { checkShape, shapeStr, sizeOf } from "./shape.js";
import { Tensor } from "./tensor.js";

/** Options of the creation functions. */
export interface CreateOptions {
  /** The element type (default float32; randint: int32). */
  dtype?: DType;
  /** Make the result a leaf that gradients flow to (float dtypes only). */
  requiresGrad?: boolean;
}

/** Options of the random creation functions: those of `CreateOptions` and the generator to draw from. */
export interface RandomOptions extends CreateOptions {
  /** The seeded generator to draw from (default: the global one that `manualSeed` seeds). */
  generator?: Generator;
}

/** Nested arrays of numbers, as `tensor` accepts them. */
export type NestedArray = number | readonly NestedArray[];

function finish(data: TypedArray, shape: readonly number[], opts?: CreateOptions): Tensor {
  const t = new Tensor(data, shape);
  if (opts?.requiresGrad) t.requiresGrad = true;
  return t;
}

function inferShape(data: NestedArray): number[] {
  const shape: number[] = [];
  let cur: NestedArray = data;
  while (Array.isArray(cur)) {
    shape.push(cur.length);
    cur = cur[0] as NestedArray;
  }
  return shape;
}

function fill(
  data: NestedArray,
  shape: readonly number[],
  depth: number,
  out: TypedArray,
  pos: number[],
): void {
  if (depth === shape.length) {
    if (typeof data !== "number" && typeof data !== "boolean") {
      throw new Error(
        `tensor: expected a number at depth ${depth}, got ${Array.isArray(data) ? "an array" : typeof data}`,
      );
    }
    out[pos[0]!++] = Number(data);
    return;
  }
  if (!Array.isArray(data) || data.length !== shape[depth]) {
    throw new Error(
      `tensor: ragged nested array: expected length ${shape[depth]} at depth ${depth} (shape ${shapeStr(shape)}), got ${
        Array.isArray(data) ? data.length : typeof data
      }`,
    );
  }
  for (const item of data) fill(item, shape, depth + 1, out, pos);
}

/**
 * A tensor from a number, nested arrays or a typed array (give `shape` with a flat array).
 * Numbers become float32 unless `dtype` says otherwise; a typed array keeps its dtype.
 */
export function tensor(
  data: NestedArray | TypedArray | readonly number[],
  opts: CreateOptions & { shape?: readonly number[] } = {},
): Tensor {
  const given = dtypeOfArray(data);
  const dtype = opts.dtype === undefined ? (given ?? "float32") : assertDType("tensor", opts.dtype);
  if (given !== undefined) {
    const arr = data as TypedArray;
    const shape = opts.shape === undefined ? [arr.length] : checkShape("tensor", opts.shape);
    if (sizeOf(shape) !== arr.length) {
      throw new Error(
        `tensor: shape ${shapeStr(shape)} needs ${sizeOf(shape)} elements, the data has ${arr.length}`,
      );
    }
    const copy = allocate(dtype, arr.length);
    copy.set(arr);
    return finish(copy, shape, opts);
  }
  const shape = inferShape(data as NestedArray);
  const out = allocate(dtype, sizeOf(shape));
  fill(data as NestedArray, shape, 0, out, [0]);
  if (opts.shape !== undefined) {
    const target = checkShape("tensor", opts.shape);
    if (sizeOf(target) !== out.length) {
      throw new Error(
        `tensor: shape ${shapeStr(target)} needs ${sizeOf(target)} elements, the data has ${out.length}`,
      );
    }
    return finish(out, target, opts);
  }
  return finish(out, shape, opts);
}

/** A tensor of `shape` filled with `value`. */
export function full(shape: readonly number[], value: number, opts: CreateOptions = {}): Tensor {
  const s = checkShape("full", shape);
  if (typeof value !== "number") throw new Error(`full: value must be a number, got ${typeof value}`);
  const data = allocate(assertDType("full", opts.dtype ?? "float32"), sizeOf(s));
  if (value !== 0) data.fill(value);
  return finish(data, s, opts);
}

/** A tensor of zeros. */
export const zeros = (shape: readonly number[], opts: CreateOptions = {}): Tensor => full(shape, 0, opts);
/** A tensor of ones. */
export const ones = (shape: readonly number[], opts: CreateOptions = {}): Tensor => full(shape, 1, opts);
/** Zeros with `x`'s shape and dtype (unless overridden). */
export const zerosLike = (x: Tensor, opts: CreateOptions = {}): Tensor =>
  full(assertTensor("zerosLike", x).shape, 0, { dtype: x.dtype, ...opts });
/** Ones with `x`'s shape and dtype (unless overridden). */
export const onesLike = (x: Tensor, opts: CreateOptions = {}): Tensor =>
  full(assertTensor("onesLike", x).shape, 1, { dtype: x.dtype, ...opts });

/** Values from `start` up to (not including) `stop` by `step`; `arange(n)` counts 0..n-1. */
export function arange(start: number, stop?: number, step = 1, opts: CreateOptions = {}): Tensor {
  if (stop === undefined) [start, stop] = [0, start];
  if (!Number.isFinite(start) || !Number.isFinite(stop))
    throw new Error(`arange: start and stop must be finite numbers, got ${start} and ${stop}`);
  if (step === 0 || !Number.isFinite(step))
    throw new Error(`arange: step must be a finite non-zero number, got ${step}`);
  const n = Math.max(0, Math.ceil((stop - start) / step));
  const data = allocate(assertDType("arange", opts.dtype ?? "float32"), n);
  for (let i = 0; i < n; i++) data[i] = start + i * step;
  return finish(data, [n], opts);
}

/** `num` evenly spaced values from `start` to `stop`, both included. */
export function linspace(start: number, stop: number, num: number, opts: CreateOptions = {}): Tensor {
  if (!Number.isInteger(num) || num < 0)
    throw new Error(`linspace: num must be a non-negative integer, got ${num}`);
  if (!Number.isFinite(start) || !Number.isFinite(stop))
    throw new Error(`linspace: start and stop must be finite numbers, got ${start} and ${stop}`);
  const data = allocate(assertDType("linspace", opts.dtype ?? "float32"), num);
  const step = num > 1 ? (stop - start) / (num - 1) : 0;
  for (let i = 0; i < num; i++) data[i] = i === num - 1 && num > 1 ? stop : start + i * step;
  return finish(data, [num], opts);
}

/** The identity matrix [n, m] (m = n when omitted). */
export function eye(n: number, m = n, opts: CreateOptions = {}): Tensor {
  const s = checkShape("eye", [n, m]);
  const data = allocate(assertDType("eye", opts.dtype ?? "float32"), n * m);
  for (let i = 0; i < Math.min(n, m); i++) data[i * m + i] = 1;
  return finish(data, s, opts);
}

function generatorOf(op: string, opts: RandomOptions): Generator {
  const g = opts.generator ?? defaultGenerator;
  if (!(g instanceof Generator)) throw new Error(`${op}: generator must be a Generator, got ${typeof g}`);
  return g;
}

function randomFloat(
  op: string,
  shape: readonly number[],
  opts: RandomOptions,
  draw: (g: Generator) => number,
) {
  const s = checkShape(op, shape);
  const dtype = assertDType(op, opts.dtype ?? "float32");
  if (dtype === "int32") throw new Error(`${op}: dtype must be float32 or float64, got int32`);
  const g = generatorOf(op, opts);
  const data = allocate(dtype, sizeOf(s));
  for (let i = 0; i < data.length; i++) data[i] = draw(g);
  return finish(data, s, opts);
}

/** Standard normal samples from the seeded generator. */
export const randn = (shape: readonly number[], opts: RandomOptions = {}): Tensor =>
  randomFloat("randn", shape, opts, (g) => g.normal());

/** Uniform samples in [0, 1) from the seeded generator. */
export const rand = (shape: readonly number[], opts: RandomOptions = {}): Tensor =>
  randomFloat("rand", shape, opts, (g) => g.random());

/** Uniform integers in [low, high), int32 unless `dtype` says otherwise. */
export function randint(
  low: number,
  high: number,
  shape: readonly number[],
  opts: RandomOptions = {},
): Tensor {
  if (!Number.isInteger(low) || !Number.isInteger(high) || high <= low) {
    throw new Error(`randint: need integers low < high, got low=${low}, high=${high}`);
  }
  const s = checkShape("randint", shape);
  const g = generatorOf("randint", opts);
  const data = allocate(assertDType("randint", opts.dtype ?? "int32"), sizeOf(s));
  for (let i = 0; i < data.length; i++) data[i] = g.integer(low, high);
  return finish(data, s, opts);
}
