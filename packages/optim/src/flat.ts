import { contiguousData, shapeStr, type Tensor } from "@nablajs/tensor";
import { fma } from "./fma.js";
import { type FloatArray, paramData } from "./optimizer.js";

// The parameters of LBFGS and HessianFree seen as one flat vector, as PyTorch's LBFGS gathers
// them (`torch.cat([p.view(-1) ...])`), with the vector operations their algorithms need written
// as loops over typed arrays of the parameters' dtype.

/** Rounds a scalar to the parameters' precision: `Math.fround` for float32, nothing for float64. */
export type Round = (x: number) => number;

const identity: Round = (x) => x;

/** The rounding of scalars computed from `dtype` vectors (PyTorch keeps them as 0-d tensors of that dtype). */
export function roundFor(dtype: Tensor["dtype"]): Round {
  return dtype === "float32" ? Math.fround : identity;
}

/** A zero vector of `n` elements in `dtype`. */
export function zerosVec(dtype: Tensor["dtype"], n: number): FloatArray {
  return dtype === "float32" ? new Float32Array(n) : new Float64Array(n);
}

/**
 * sum_i a_i b_i, accumulated in double: for float64 one fused multiply-add per element in order,
 * `s = fma(a_i, b_i, s)`, as OpenBLAS's AVX-512 `ddot` (PyTorch's `dot`) computes short vectors.
 */
export function dot(a: FloatArray, b: FloatArray): number {
  let s = 0;
  if (a instanceof Float64Array) for (let i = 0; i < a.length; i++) s = fma(a[i]!, b[i]!, s);
  else for (let i = 0; i < a.length; i++) s += a[i]! * b[i]!;
  return s;
}

/** max_i |a_i|. */
export function maxAbs(a: FloatArray): number {
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i]!));
  return m;
}

/** sum_i |a_i|. */
export function sumAbs(a: FloatArray): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += Math.abs(a[i]!);
  return s;
}

/**
 * `y += alpha x` in place, as PyTorch's `y.add_(x, alpha=alpha)`: one rounding per element (its
 * CPU kernels fuse the multiply-add; float32 vectors round the double result once more).
 */
export function axpy(alpha: number, x: FloatArray, y: FloatArray): void {
  if (y instanceof Float64Array) for (let i = 0; i < y.length; i++) y[i] = fma(alpha, x[i]!, y[i]!);
  else {
    const a = Math.fround(alpha);
    for (let i = 0; i < y.length; i++) y[i] = y[i]! + a * x[i]!;
  }
}

/** The total number of elements of `params`. */
export function numel(params: readonly Tensor[]): number {
  return params.reduce((n, p) => n + p.size, 0);
}

/** Every parameter's gradient joined into one vector (zeros where a gradient is null). */
export function gatherFlatGrad(name: string, params: readonly Tensor[], out: FloatArray): FloatArray {
  let offset = 0;
  for (const p of params) {
    const g = p.grad;
    if (g === null) out.fill(0, offset, offset + p.size);
    else {
      if (g.dtype !== p.dtype || g.shape.join() !== p.shape.join()) {
        throw new Error(
          `${name}: gradient ${g.dtype} ${shapeStr(g.shape)} does not match its parameter ${p.dtype} ${shapeStr(p.shape)}`,
        );
      }
      out.set(contiguousData(g) as FloatArray, offset);
    }
    offset += p.size;
  }
  return out;
}

/** Every parameter's values joined into one vector. */
export function gatherFlatParams(params: readonly Tensor[], out: FloatArray): FloatArray {
  let offset = 0;
  for (const p of params) {
    out.set(paramData(p), offset);
    offset += p.size;
  }
  return out;
}

/** Writes the flat vector `x` back into the parameters' storage. */
export function setFlatParams(params: readonly Tensor[], x: FloatArray): void {
  let offset = 0;
  for (const p of params) {
    paramData(p).set(x.subarray(offset, offset + p.size));
    offset += p.size;
  }
}

/** `p += t d` for each parameter's slice of the flat direction `d`, in place. */
export function addToParams(params: readonly Tensor[], t: number, d: FloatArray): void {
  let offset = 0;
  for (const p of params) {
    axpy(t, d.subarray(offset, offset + p.size) as FloatArray, paramData(p));
    offset += p.size;
  }
}
