// Float32 exp, sigmoid and tanh over arrays, four lanes at a time (Cephes' expf polynomial).
// Results within a few float32 ulps over the whole range, subnormal results included.

const LOG2E: f32 = 1.44269504088896341;
const C1: f32 = 0.693359375;
const C2: f32 = -2.12194440e-4;
const HI: f32 = 88.72283935546875; // above: +Infinity
const LO: f32 = -103.97207708; // below: 0

/** 2^n for integer lanes n in [-127, 127], from the exponent bits. */
@inline
function pow2(n: v128): v128 {
  return i32x4.shl(i32x4.add(n, i32x4.splat(127)), 23);
}

@inline
export function exp4(x: v128): v128 {
  const xc = f32x4.max(f32x4.min(x, f32x4.splat(HI)), f32x4.splat(LO));
  const fx = f32x4.nearest(f32x4.mul(xc, f32x4.splat(LOG2E)));
  let r = f32x4.sub(xc, f32x4.mul(fx, f32x4.splat(C1)));
  r = f32x4.sub(r, f32x4.mul(fx, f32x4.splat(C2)));
  let p = f32x4.splat(1.9875691500e-4);
  p = f32x4.add(f32x4.mul(p, r), f32x4.splat(1.3981999507e-3));
  p = f32x4.add(f32x4.mul(p, r), f32x4.splat(8.3334519073e-3));
  p = f32x4.add(f32x4.mul(p, r), f32x4.splat(4.1665795894e-2));
  p = f32x4.add(f32x4.mul(p, r), f32x4.splat(1.6666665459e-1));
  p = f32x4.add(f32x4.mul(p, r), f32x4.splat(5.0000001201e-1));
  p = f32x4.add(f32x4.add(f32x4.mul(f32x4.mul(p, r), r), r), f32x4.splat(1));
  // NOTE: n reaches 128 below HI and -150 above LO, beyond one exponent field: scale by
  // 2^(n/2) twice, so the last multiply rounds into overflow or a subnormal as expf would.
  const n = i32x4.trunc_sat_f32x4_s(fx);
  const half = i32x4.shr_s(n, 1);
  let y = f32x4.mul(f32x4.mul(p, pow2(half)), pow2(i32x4.sub(n, half)));
  y = v128.bitselect(f32x4.splat(Infinity), y, f32x4.gt(x, f32x4.splat(HI)));
  y = v128.bitselect(f32x4.splat(0), y, f32x4.lt(x, f32x4.splat(LO)));
  return y;
}

@inline
function sigmoid4(x: v128): v128 {
  // 1 / (1 + e^-x) for x >= 0 and e^x / (1 + e^x) below, so no exp overflows and tiny results
  // stay subnormal instead of 0.
  const one = f32x4.splat(1);
  const e = exp4(f32x4.neg(f32x4.abs(x)));
  const d = f32x4.add(one, e);
  return v128.bitselect(f32x4.div(e, d), f32x4.div(one, d), f32x4.lt(x, f32x4.splat(0)));
}

@inline
function tanh4(x: v128): v128 {
  // Near 0 an odd polynomial (no cancellation); elsewhere 1 - 2 / (e^2x + 1).
  const z = f32x4.mul(x, x);
  let p = f32x4.splat(-5.70498872745e-3);
  p = f32x4.add(f32x4.mul(p, z), f32x4.splat(2.06390887954e-2));
  p = f32x4.add(f32x4.mul(p, z), f32x4.splat(-5.37397155531e-2));
  p = f32x4.add(f32x4.mul(p, z), f32x4.splat(1.33314422036e-1));
  p = f32x4.add(f32x4.mul(p, z), f32x4.splat(-3.33332819422e-1));
  const small = f32x4.add(f32x4.mul(f32x4.mul(p, z), x), x);
  const two = f32x4.splat(2);
  const large = f32x4.sub(f32x4.splat(1), f32x4.div(two, f32x4.add(exp4(f32x4.mul(two, x)), f32x4.splat(1))));
  return v128.bitselect(small, large, f32x4.lt(f32x4.abs(x), f32x4.splat(0.625)));
}

/** out[i] = f(x[i]) for i < n (n a multiple of 4; the caller pads): op 0 exp, 1 sigmoid, 2 tanh. */
export function unaryF32(op: i32, x: usize, out: usize, n: i32): void {
  const end = x + (<usize>n << 2);
  if (op === 0) for (; x < end; x += 16, out += 16) v128.store(out, exp4(v128.load(x)));
  else if (op === 1) for (; x < end; x += 16, out += 16) v128.store(out, sigmoid4(v128.load(x)));
  else for (; x < end; x += 16, out += 16) v128.store(out, tanh4(v128.load(x)));
}
