// NOTE: PyTorch's compiled CPU kernels evaluate `add(x, y, alpha)` and `addcmul` as fused
// multiply-adds (one rounding). JavaScript has no Math.fma, so float64 updates emulate it with
// error-free transformations; without this, optimizer trajectories drift from PyTorch's by an
// ulp per step. float32 storage rounds far more coarsely, so it takes the plain expression.

const SPLIT = 134217729; // 2^27 + 1: splits a double into two 26-bit halves (Dekker)

/** `a * b + c` with a single rounding (exact product and sum, then one rounding; Dekker/Knuth). */
export function fma(a: number, b: number, c: number): number {
  const p = a * b;
  let t = SPLIT * a;
  const ah = t - (t - a);
  const al = a - ah;
  t = SPLIT * b;
  const bh = t - (t - b);
  const bl = b - bh;
  const pErr = al * bl - (p - ah * bh - al * bh - ah * bl); // a * b = p + pErr exactly
  const s = p + c;
  const v = s - p;
  const sErr = p - (s - v) + (c - v); // p + c = s + sErr exactly
  const r = s + (sErr + pErr);
  return Number.isFinite(r) ? r : p + c; // the splits overflow beyond ~1e300
}

/** `a * b + c`: fused (rounded once) when `exact`, as for float64 parameters; plain otherwise. */
export function mulAdd(exact: boolean, a: number, b: number, c: number): number {
  return exact ? fma(a, b, c) : a * b + c;
}

/**
 * One element of the L2-penalised gradient `g + lambda p`, as PyTorch's
 * `grad.add(param, alpha=weight_decay)` (fused for float64); `g` itself when `lambda` is 0.
 */
export function l2Grad(exact: boolean, lambda: number, p: number, g: number): number {
  return lambda === 0 ? g : mulAdd(exact, lambda, p, g);
}

/** [hi, lo] product of two double-double numbers, renormalised. */
function ddMul(xh: number, xl: number, yh: number, yl: number): [number, number] {
  const p = xh * yh;
  const e = fma(xh, yh, -p) + (xh * yl + xl * yh);
  const s = p + e;
  return [s, e - (s - p)];
}

/**
 * `base^n` for a non-negative integer `n`, correctly rounded in all but pathological cases (as
 * C's pow, which PyTorch's bias corrections use; V8's `**` can be an ulp off). Exponentiation by
 * squaring in double-double arithmetic; other exponents fall back to `Math.pow`.
 */
export function powInt(base: number, n: number): number {
  if (!Number.isInteger(n) || n < 0 || n > 2 ** 30 || !Number.isFinite(base)) return base ** n;
  let [rh, rl] = [1, 0];
  let [bh, bl] = [base, 0];
  while (n > 0) {
    if (n & 1) [rh, rl] = ddMul(rh, rl, bh, bl);
    n >>>= 1;
    if (n > 0) [bh, bl] = ddMul(bh, bl, bh, bl);
  }
  return rh + rl;
}
