// Seeded float64 inputs for this package's tests (not exported from the package entry).
import { Generator, noGrad, randn, type Tensor, tensor, transpose } from "@nablajs/tensor";
import { gradcheck, gradgradcheck } from "./gradcheck.js";

/** A seeded source of float64 test inputs. */
export function inputs(seed: number) {
  const g = new Generator(seed);
  const normal = (shape: readonly number[]): Tensor => randn(shape, { dtype: "float64", generator: g });
  return {
    normal,
    /** Uniform values in [lo, hi). */
    uniform(shape: readonly number[], lo: number, hi: number): Tensor {
      const d = new Float64Array(shape.reduce((a, b) => a * b, 1));
      for (let i = 0; i < d.length; i++) d[i] = lo + (hi - lo) * g.random();
      return tensor(d, { shape });
    },
    /** Normal values pushed at least `gap` away from 0 (for kinks: relu, abs). */
    awayFromZero(shape: readonly number[], gap = 0.2): Tensor {
      const x = normal(shape);
      const d = x.data;
      for (let i = 0; i < d.length; i++) d[i] = d[i]! >= 0 ? d[i]! + gap : d[i]! - gap;
      return x;
    },
    /** A non-contiguous [rows, cols] view: the transpose of a fresh [cols, rows] tensor. */
    transposed(rows: number, cols: number): Tensor {
      return transpose(normal([cols, rows]));
    },
    /** A non-contiguous [rows, cols] view: columns 1..cols of a fresh [rows, cols + 2] tensor. */
    narrowed(rows: number, cols: number): Tensor {
      return normal([rows, cols + 2]).narrow(1, 1, cols);
    },
  };
}

/** gradcheck, then gradgradcheck unless `second` is false, of `f` at `xs`. */
export function checkBoth(
  f: (...xs: Tensor[]) => Tensor,
  xs: readonly Tensor[],
  opts: { second?: boolean; eps?: number; atol?: number; rtol?: number } = {},
): true {
  const { second = true, ...tol } = opts;
  gradcheck(f, xs, tol);
  if (second) gradgradcheck(f, xs, tol);
  return true;
}

/**
 * d f / d x by central differences, shape [...out.shape, ...x.shape]; `f` sees a contiguous
 * float64 copy of `x` with one element moved by +-eps.
 */
export function numericJacobian(f: (x: Tensor) => Tensor, x: Tensor, eps = 1e-6): Tensor {
  const base = x.toTypedArray() as Float64Array;
  const at = (d: Float64Array) => noGrad(() => f(tensor(d, { shape: x.shape }))).toTypedArray();
  const outShape = noGrad(() => f(x)).shape;
  const m = outShape.reduce((a, b) => a * b, 1);
  const n = base.length;
  const jac = new Float64Array(m * n);
  for (let j = 0; j < n; j++) {
    const plus = base.slice();
    const minus = base.slice();
    plus[j]! += eps;
    minus[j]! -= eps;
    const [fp, fm] = [at(plus), at(minus)];
    for (let k = 0; k < m; k++) jac[k * n + j] = (fp[k]! - fm[k]!) / (2 * eps);
  }
  return tensor(jac, { shape: [...outShape, ...x.shape] });
}
