// Seeded float64 inputs for this package's tests (not exported from the package entry).
import { Generator, randn, type Tensor, tensor, transpose } from "@nablajs/tensor";
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
