import { allocate, exp, mul, primitive, record, shapeStr, Tensor, toTypedArray } from "@nablajs/tensor";

// The rational approximations of fdlibm's s_erf.c (Sun Microsystems, 1993), the erf most C
// libraries descend from: under one ulp in float64 over the whole line.
const ERX = 0.8450629115104675;
const EFX = 0.1283791670955126;
const PP = [
  0.12837916709551256, -0.3250421072470015, -0.02848174957559851, -0.005770270296489442,
  -0.000023763016656650163,
];
const QQ = [
  0.39791722395915535, 0.0650222499887673, 0.005081306281875766, 0.00013249473800432164,
  -0.000003960228278775368,
];
const PA = [
  -0.0023621185607526594, 0.41485611868374833, -0.3722078760357013, 0.31834661990116175, -0.11089469428239668,
  0.035478304325618236, -0.002166375594868791,
];
const QA = [
  0.10642088040084423, 0.540397917702171, 0.07182865441419627, 0.12617121980876164, 0.01363708391202905,
  0.011984499846799107,
];
const RA = [
  -0.009864944034847148, -0.6938585727071818, -10.558626225323291, -62.375332450326006, -162.39666946257347,
  -184.60509290671104, -81.2874355063066, -9.814329344169145,
];
const SA = [
  19.651271667439257, 137.65775414351904, 434.56587747522923, 645.3872717332679, 429.00814002756783,
  108.63500554177944, 6.570249770319282, -0.0604244152148581,
];
const RB = [
  -0.0098649429247001, -0.799283237680523, -17.757954917754752, -160.63638485582192, -637.5664433683896,
  -1025.0951316110772, -483.5191916086514,
];
const SB = [
  30.33806074348246, 325.7925129965739, 1536.729586084437, 3199.8582195085955, 2553.0504064331644,
  474.52854120695537, -22.44095244658582,
];

/** c[0] + z c[1] + z^2 c[2] + ... (Horner). */
function poly(c: readonly number[], z: number): number {
  let p = c[c.length - 1]!;
  for (let i = c.length - 2; i >= 0; i--) p = p * z + c[i]!;
  return p;
}

/** 1 + z q[0] + z^2 q[1] + ... */
const poly1 = (q: readonly number[], z: number): number => 1 + z * poly(q, z);

const bits = new Float64Array(1);
const words = new Uint32Array(bits.buffer);

/** x with the low 32 bits of its significand cleared, so x^2 is exact in the exp below. */
function truncated(x: number): number {
  bits[0] = x;
  words[0] = 0; // little-endian: word 0 holds the low bits
  return bits[0]!;
}

/** erf(x) for one float64 number: 2/sqrt(pi) ∫_0^x e^{-t^2} dt. */
export function erfScalar(x: number): number {
  if (Number.isNaN(x)) return x;
  const a = Math.abs(x);
  const sign = x < 0 ? -1 : 1;
  if (a < 0.84375) {
    if (a < 2 ** -28) return x + EFX * x;
    const z = x * x;
    return x + x * (poly(PP, z) / poly1(QQ, z));
  }
  if (a < 1.25) {
    const s = a - 1;
    return sign * (ERX + poly(PA, s) / poly1(QA, s));
  }
  if (a >= 6) return sign;
  const s = 1 / (a * a);
  const [r, q] = a < 1 / 0.35 ? [poly(RA, s), poly1(SA, s)] : [poly(RB, s), poly1(SB, s)];
  const z = truncated(a);
  const e = Math.exp(-z * z - 0.5625) * Math.exp((z - a) * (z + a) + r / q);
  return sign * (1 - e / a);
}

const TWO_OVER_SQRT_PI = 2 / Math.sqrt(Math.PI);

/** d erf(x) = 2/sqrt(pi) e^{-x^2} dx, written with tensor ops so that it differentiates again. */
const derivative = (v: Tensor, x: Tensor): Tensor => mul(v, mul(exp(mul(mul(x, x), -1)), TWO_OVER_SQRT_PI));

const rule = primitive(
  "erf",
  (g, [x]) => [derivative(g, x!)],
  ([dx], [x]) => derivative(dx!, x!),
);

/**
 * The error function, elementwise: erf(x) = 2/sqrt(pi) ∫_0^x e^{-t^2} dt (torch.erf), with
 * d erf(x) = 2/sqrt(pi) e^{-x^2} dx (so derivatives of every order). float32 values are computed
 * in float64 and rounded once. Any shape; float32 or float64.
 */
export function erf(x: Tensor): Tensor {
  if (!(x instanceof Tensor)) throw new Error("erf: expected a Tensor");
  if (x.dtype === "int32") throw new Error(`erf: expected a float tensor, got int32 ${shapeStr(x.shape)}`);
  const src = toTypedArray(x);
  const out = allocate(x.dtype, src.length);
  for (let i = 0; i < src.length; i++) out[i] = erfScalar(src[i]!);
  return record(rule, [x], new Tensor(out, x.shape), undefined);
}
