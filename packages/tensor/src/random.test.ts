import { describe, expect, it } from "vitest";
import * as T from "./node.js";

const bits = (x: T.Tensor) => Array.from(x.toTypedArray());

/** xoshiro128** written from the paper's reference C with 64-bit BigInt arithmetic masked to 32 bits. */
function referenceXoshiro(state: bigint[], n: number): number[] {
  const M = 0xffffffffn;
  const rotl = (x: bigint, k: bigint) => ((x << k) | (x >> (32n - k))) & M;
  const s = state.slice();
  const out: number[] = [];
  for (let i = 0; i < n; i++) {
    out.push(Number((rotl((s[1]! * 5n) & M, 7n) * 9n) & M));
    const t = (s[1]! << 9n) & M;
    s[2]! ^= s[0]!;
    s[3]! ^= s[1]!;
    s[1]! ^= s[2]!;
    s[0]! ^= s[3]!;
    s[2]! ^= t;
    s[3] = rotl(s[3]!, 11n);
  }
  return out;
}

describe("Generator", () => {
  it("the core stream is xoshiro128**, bit for bit", () => {
    const state = [0x12345678, 0x9abcdef0, 0xdeadbeef, 1];
    const g = new T.Generator();
    g.setState([...state, Number.NaN]);
    const got = Array.from({ length: 50 }, () => g.nextUint32());
    expect(got).toEqual(referenceXoshiro(state.map(BigInt), 50));
    expect(got.every((v) => Number.isInteger(v) && v >= 0 && v < 2 ** 32)).toBe(true);
  });

  it("same seed gives the same numbers, different seeds different ones", () => {
    const a = T.randn([100], { generator: new T.Generator(42) });
    const b = T.randn([100], { generator: new T.Generator(42) });
    const c = T.randn([100], { generator: new T.Generator(43) });
    expect(bits(a)).toEqual(bits(b));
    expect(bits(a)).not.toEqual(bits(c));
    expect(bits(T.randint(0, 1000, [50], { generator: new T.Generator(-7) }))).toEqual(
      bits(T.randint(0, 1000, [50], { generator: new T.Generator(-7) })),
    );
    expect(bits(T.rand([4], { generator: new T.Generator(0) }))).not.toEqual(
      bits(T.rand([4], { generator: new T.Generator(-1) })),
    );
  });

  it("manualSeed resets the default generator's stream; reseeding a Generator restarts it", () => {
    T.manualSeed(123);
    const a = bits(T.randn([7]));
    const r = bits(T.rand([3]));
    expect(T.manualSeed(123)).toBe(T.defaultGenerator);
    expect(bits(T.randn([7]))).toEqual(a);
    expect(bits(T.rand([3]))).toEqual(r);
    const g = new T.Generator(5);
    const first = g.random();
    g.random();
    g.manualSeed(5);
    expect(g.random()).toBe(first);
  });

  it("is one stream: two draws of 3 equal one draw of 6 (the spare normal carries over)", () => {
    const g = new T.Generator(9);
    const two = [
      ...bits(T.randn([3], { generator: g, dtype: "float64" })),
      ...bits(T.randn([3], { generator: g, dtype: "float64" })),
    ];
    expect(two).toEqual(bits(T.randn([6], { generator: new T.Generator(9), dtype: "float64" })));
  });

  it("getState/setState resumes exactly, with or without a pending spare normal, through JSON", () => {
    for (const skip of [0, 1, 2, 3]) {
      const g = new T.Generator(2024);
      T.randn([skip], { generator: g, dtype: "float64" });
      const saved = JSON.parse(JSON.stringify(g.getState()));
      const expected = [
        ...bits(T.randn([5], { generator: g, dtype: "float64" })),
        ...bits(T.rand([3], { generator: g, dtype: "float64" })),
        ...bits(T.randint(0, 9, [3], { generator: g })),
      ];
      const h = new T.Generator(1);
      h.setState(saved);
      const resumed = [
        ...bits(T.randn([5], { generator: h, dtype: "float64" })),
        ...bits(T.rand([3], { generator: h, dtype: "float64" })),
        ...bits(T.randint(0, 9, [3], { generator: h })),
      ];
      expect(resumed, `after ${skip} normals`).toEqual(expected);
    }
  });

  it("random() is uniform in [0, 1) with 53 bits; integer(low, high) stays in [low, high)", () => {
    const g = new T.Generator(77);
    let min = 1;
    let max = 0;
    let fine = false;
    let outside = 0;
    for (let i = 0; i < 10000; i++) {
      const u = g.random();
      min = Math.min(min, u);
      max = Math.max(max, u);
      if ((u * 2 ** 32) % 1 !== 0) fine = true; // more than 32 bits of resolution
      const k = g.integer(-3, 4);
      if (!(Number.isInteger(k) && k >= -3 && k < 4)) outside++;
    }
    expect(outside).toBe(0);
    expect(min).toBeGreaterThanOrEqual(0);
    expect(max).toBeLessThan(1);
    expect(fine).toBe(true);
  });
});

describe("distributions (generous statistical bounds, fixed seeds)", () => {
  const moments = (v: ArrayLike<number>) => {
    let m = 0;
    for (let i = 0; i < v.length; i++) m += v[i]!;
    m /= v.length;
    let s = 0;
    for (let i = 0; i < v.length; i++) s += (v[i]! - m) ** 2;
    return [m, Math.sqrt(s / (v.length - 1))] as const;
  };

  it.each(["float32", "float64"] as const)("randn has mean ~0 and std ~1 in %s", (dtype) => {
    const x = T.randn([100000], { dtype, generator: new T.Generator(31337) }).toTypedArray();
    const [m, s] = moments(x);
    expect(Math.abs(m)).toBeLessThan(0.02);
    expect(Math.abs(s - 1)).toBeLessThan(0.02);
    const tail = Array.from(x).filter((v) => Math.abs(v) > 1.96).length / x.length;
    expect(Math.abs(tail - 0.05)).toBeLessThan(0.01);
  });

  it("rand has mean ~1/2 and variance ~1/12", () => {
    const [m, s] = moments(T.rand([100000], { generator: new T.Generator(4) }).toTypedArray());
    expect(Math.abs(m - 0.5)).toBeLessThan(0.01);
    expect(Math.abs(s * s - 1 / 12)).toBeLessThan(0.005);
  });

  it("randint covers [low, high) roughly evenly, never high", () => {
    const x = T.randint(3, 13, [50000], { generator: new T.Generator(8) }).toTypedArray();
    const counts = new Array(10).fill(0);
    for (const v of x) counts[v - 3]++;
    expect(Math.min(...x)).toBe(3);
    expect(Math.max(...x)).toBe(12);
    for (const c of counts) expect(Math.abs(c / 5000 - 1)).toBeLessThan(0.1);
  });
});
