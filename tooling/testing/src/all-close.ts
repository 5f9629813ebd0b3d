import { type DType, Tensor, tensor } from "@nablajs/tensor";

/** Anything `allClose` compares: a tensor, nested arrays, a typed array or a number. */
export type Numeric = Tensor | number | ArrayLike<number> | readonly unknown[];

export interface CloseOptions {
  rtol?: number;
  atol?: number;
  /** NaN equals NaN (default true). */
  equalNaN?: boolean;
}

export interface CloseReport {
  pass: boolean;
  message: string;
}

function flatten(x: Numeric): { shape: readonly number[] | null; data: ArrayLike<number> } {
  if (x instanceof Tensor) return { shape: x.shape, data: x.toTypedArray() };
  if (typeof x === "number") return { shape: [], data: [x] };
  if (ArrayBuffer.isView(x)) return { shape: null, data: x as unknown as ArrayLike<number> };
  const t = tensor(x as number[], { dtype: "float64" });
  return { shape: t.shape, data: t.toTypedArray() };
}

/**
 * Compares element by element with |a - e| <= atol + rtol |e| (NumPy's rule) and reports the
 * worst element by its index and both values.
 */
export function allClose(actual: Numeric, expected: Numeric, opts: CloseOptions = {}): CloseReport {
  const { rtol = 1e-5, atol = 1e-8, equalNaN = true } = opts;
  const a = flatten(actual);
  const e = flatten(expected);
  if (a.shape && e.shape && a.shape.join() !== e.shape.join()) {
    return {
      pass: false,
      message: `shapes differ: [${a.shape.join(",")}] vs expected [${e.shape.join(",")}]`,
    };
  }
  if (a.data.length !== e.data.length) {
    return { pass: false, message: `sizes differ: ${a.data.length} vs expected ${e.data.length}` };
  }
  let worst = -1;
  let worstExcess = 0;
  let bad = 0;
  for (let i = 0; i < a.data.length; i++) {
    const x = a.data[i]!;
    const y = e.data[i]!;
    if (Number.isNaN(x) || Number.isNaN(y)) {
      if (equalNaN && Number.isNaN(x) && Number.isNaN(y)) continue;
      bad++;
      if (worstExcess !== Infinity) [worst, worstExcess] = [i, Infinity];
      continue;
    }
    if (x === y) continue;
    const excess = Math.abs(x - y) - (atol + rtol * Math.abs(y));
    if (excess > 0) {
      bad++;
      if (excess > worstExcess) [worst, worstExcess] = [i, excess];
    }
  }
  if (bad === 0)
    return { pass: true, message: `all ${a.data.length} elements within rtol=${rtol}, atol=${atol}` };
  const x = a.data[worst]!;
  const y = e.data[worst]!;
  return {
    pass: false,
    message:
      `${bad} of ${a.data.length} elements differ beyond rtol=${rtol}, atol=${atol}; worst at flat index ${worst}: ` +
      `${x} vs expected ${y} (abs diff ${Math.abs(x - y)}, rel ${Math.abs(x - y) / Math.abs(y)})`,
  };
}

/** Throws the report's message unless `actual` and `expected` are close. */
export function assertAllClose(actual: Numeric, expected: Numeric, opts: CloseOptions = {}): void {
  const r = allClose(actual, expected, opts);
  if (!r.pass) throw new Error(`assertAllClose: ${r.message}`);
}

/** Tolerances that fit a dtype: float64 to 1e-9 relative, float32 to about 1e-4. */
export function tolerances(dtype: DType): CloseOptions {
  return dtype === "float64" ? { rtol: 1e-9, atol: 1e-12 } : { rtol: 1e-4, atol: 1e-6 };
}
