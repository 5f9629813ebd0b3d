import { afterAll, describe, expect, it } from "vitest";
import type { UNARY } from "./elementwise.js";
import { isas, maxUlps, prng, SPECIALS } from "./elementwise-testing.js";
import { elementwiseViews } from "./elementwise-views.js";
import { loadNative } from "./index.js";

const k = loadNative().addon!;
const ew = elementwiseViews(k);

// The exact function in double (Math.*: within 1 double ulp), rounded once to float32 by the test.
const EXACT: Partial<Record<keyof typeof UNARY, (v: number) => number>> = {
  exp: Math.exp,
  log: Math.log,
  sin: Math.sin,
  cos: Math.cos,
  tanh: Math.tanh,
  sigmoid: (v) => (v >= 0 ? 1 / (1 + Math.exp(-v)) : Math.exp(v) / (1 + Math.exp(v))),
};
const OPS = Object.keys(EXACT) as (keyof typeof EXACT)[];

// Every 4099th float32 bit pattern (all exponents, both signs, denormals, Infinity, NaN) and the
// specials: about a million inputs.
const sweep = (() => {
  const bits = new Uint32Array(Math.ceil(2 ** 32 / 4099) + SPECIALS.length);
  let n = 0;
  for (let b = 0; b < 2 ** 32; b += 4099) bits[n++] = b;
  const x = new Float32Array(bits.buffer);
  x.set(SPECIALS, n);
  return x;
})();

function run(op: keyof typeof UNARY, x: Float32Array | Float64Array) {
  const out = new (x.constructor as Float32ArrayConstructor)(x.length);
  ew.unary(op, { data: x, shape: [x.length], strides: [1], offset: 0 }, out);
  return out;
}

describe("float32 transcendentals are within 1 ulp of the correctly rounded result", () => {
  afterAll(() => {
    k.setElementwiseIsa("auto");
  });

  it.each(OPS)("%s over a dense sweep of float32 on every instruction set", (op) => {
    const f = EXACT[op]!;
    const want = Float32Array.from(sweep, (v) => Math.fround(f(v)));
    for (const isa of isas(k)) {
      k.setElementwiseIsa(isa as "auto");
      const worst = maxUlps(run(op, sweep), want, "float32");
      expect(worst.ulps, `${op} on ${isa} at x = ${sweep[worst.at]}`).toBeLessThanOrEqual(1);
    }
  });
});

// NOTE: V8's Math.tanh is itself up to 3 ulps off (tanh(0.532076453379234): V8 ...8343, glibc
// and the exact value ...8332); sigmoid's e / (1 + e) carries exp's last-place difference twice.
const F64_TOLERANCE: Partial<Record<keyof typeof UNARY, number>> = { tanh: 3, sigmoid: 2 };

describe("float64 transcendentals are within 1 ulp of Math's", () => {
  it.each(OPS)("%s over random doubles of every magnitude", (op) => {
    const rand = prng(op.length);
    const x = new Float64Array(20000);
    for (let i = 0; i < x.length; i++) {
      const mag = op === "log" ? 2 ** ((rand() - 0.5) * 2000) : 2 ** ((rand() - 0.7) * 40);
      x[i] = (op === "log" || rand() < 0.5 ? 1 : -1) * mag * (1 + rand());
    }
    x.set(SPECIALS.slice(0, 40));
    const want = x.map(EXACT[op]!);
    const worst = maxUlps(run(op, x), want, "float64");
    expect(worst.ulps, `${op} at x = ${x[worst.at]}`).toBeLessThanOrEqual(F64_TOLERANCE[op] ?? 1);
  });
});
