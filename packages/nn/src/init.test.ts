import {
  eye,
  Generator,
  manualSeed,
  matmul,
  mT,
  mul,
  ones,
  randn,
  type Tensor,
  zeros,
} from "@nablajs/tensor";
import { assertAllClose } from "@nablajs/testing";
import { describe, expect, it } from "vitest";
import {
  calculateGain,
  computeFans,
  constant,
  ones as fillOnes,
  zeros as fillZeros,
  kaimingNormal,
  kaimingUniform,
  normal,
  orthogonal,
  uniform,
  xavierNormal,
  xavierUniform,
} from "./init.js";

const gen = (seed = 0) => ({ generator: new Generator(seed) });

function stats(t: Tensor): { min: number; max: number; mean: number; std: number } {
  const d = t.toTypedArray();
  let min = Infinity;
  let max = -Infinity;
  let s = 0;
  for (const v of d) {
    min = Math.min(min, v);
    max = Math.max(max, v);
    s += v;
  }
  const mean = s / d.length;
  let q = 0;
  for (const v of d) q += (v - mean) ** 2;
  return { min, max, mean, std: Math.sqrt(q / d.length) };
}

/** Samples within [-bound, bound], reaching near both ends, with the std of U(-b, b) = b / sqrt(3). */
function expectUniform(t: Tensor, bound: number): void {
  const s = stats(t);
  expect(s.min).toBeGreaterThanOrEqual(-bound);
  expect(s.max).toBeLessThanOrEqual(bound);
  expect(s.max).toBeGreaterThan(0.99 * bound);
  expect(s.min).toBeLessThan(-0.99 * bound);
  expect(Math.abs(s.mean)).toBeLessThan(0.02 * bound);
  expect(s.std / (bound / Math.sqrt(3))).toBeCloseTo(1, 1);
}

function expectNormal(t: Tensor, mean: number, std: number): void {
  const s = stats(t);
  expect(Math.abs(s.mean - mean)).toBeLessThan(0.02 * std);
  expect(Math.abs(s.std / std - 1)).toBeLessThan(0.03);
}

describe("uniform / normal / constant", () => {
  it("uniform fills [low, high) with a flat distribution", () => {
    const t = uniform(zeros([200, 300]), -0.5, 1.5, gen());
    const s = stats(t);
    expect(s.min).toBeGreaterThanOrEqual(-0.5);
    expect(s.max).toBeLessThan(1.5);
    expect(Math.abs(s.mean - 0.5)).toBeLessThan(0.01);
    expect(s.std / (2 / Math.sqrt(12))).toBeCloseTo(1, 1);
  });

  it("normal has the requested mean and std (float64 too)", () => {
    expectNormal(normal(zeros([200, 300]), 2, 0.5, gen()), 2, 0.5);
    expectNormal(normal(zeros([60000], { dtype: "float64" }), -1, 3, gen(1)), -1, 3);
  });

  it("the same seed gives the same values; manualSeed drives the default generator", () => {
    expect(uniform(zeros([50]), 0, 1, gen(3)).toArray()).toEqual(
      uniform(zeros([50]), 0, 1, gen(3)).toArray(),
    );
    expect(normal(zeros([50]), 0, 1, gen(3)).toArray()).not.toEqual(
      normal(zeros([50]), 0, 1, gen(4)).toArray(),
    );
    manualSeed(11);
    const a = kaimingUniform(zeros([8, 8])).toArray();
    manualSeed(11);
    expect(kaimingUniform(zeros([8, 8])).toArray()).toEqual(a);
  });

  it("constant, zeros and ones fill in place, int32 too", () => {
    const t = randn([3, 2]);
    expect(constant(t, 2.5)).toBe(t);
    expect(t.toArray()).toEqual([
      [2.5, 2.5],
      [2.5, 2.5],
      [2.5, 2.5],
    ]);
    expect(
      fillZeros(t)
        .toTypedArray()
        .every((v) => v === 0),
    ).toBe(true);
    expect(fillOnes(zeros([4], { dtype: "int32" })).toArray()).toEqual([1, 1, 1, 1]);
  });

  it("writes only the view's own elements when the tensor has an offset", () => {
    const base = zeros([6]);
    const view = base.narrow(0, 2, 2);
    constant(view, 7);
    expect(base.toArray()).toEqual([0, 0, 7, 7, 0, 0]);
  });
});

describe("fans and gains", () => {
  it("computes fans as torch.nn.init (receptive field after the second axis)", () => {
    expect(computeFans([5, 3])).toEqual({ fanIn: 3, fanOut: 5 });
    expect(computeFans([4, 3, 5, 2])).toEqual({ fanIn: 30, fanOut: 40 });
  });

  it("gives PyTorch's recommended gains", () => {
    expect(calculateGain("linear")).toBe(1);
    expect(calculateGain("conv2d")).toBe(1);
    expect(calculateGain("sigmoid")).toBe(1);
    expect(calculateGain("tanh")).toBeCloseTo(5 / 3, 15);
    expect(calculateGain("relu")).toBeCloseTo(Math.SQRT2, 15);
    expect(calculateGain("leaky_relu")).toBeCloseTo(Math.sqrt(2 / (1 + 0.01 ** 2)), 15);
    expect(calculateGain("leaky_relu", 0.2)).toBeCloseTo(Math.sqrt(2 / 1.04), 15);
    expect(calculateGain("leaky_relu", Math.sqrt(5))).toBeCloseTo(Math.sqrt(1 / 3), 15);
    expect(calculateGain("selu")).toBe(0.75);
  });
});

describe("xavier and kaiming", () => {
  it("xavierUniform: bound = gain * sqrt(6 / (fanIn + fanOut))", () => {
    expectUniform(xavierUniform(zeros([200, 300]), gen()), Math.sqrt(6 / 500));
    expectUniform(xavierUniform(zeros([200, 300]), { gain: 2, ...gen(1) }), 2 * Math.sqrt(6 / 500));
  });

  it("xavierNormal: std = gain * sqrt(2 / (fanIn + fanOut))", () => {
    expectNormal(xavierNormal(zeros([200, 300]), { gain: 3, ...gen() }), 0, 3 * Math.sqrt(2 / 500));
  });

  it("kaimingUniform defaults to leaky_relu with a = 0: bound = sqrt(6 / fanIn)", () => {
    expectUniform(kaimingUniform(zeros([200, 300]), gen()), Math.sqrt(6 / 300));
  });

  it("kaimingUniform with a = sqrt(5) (PyTorch's Linear) has bound 1 / sqrt(fanIn)", () => {
    expectUniform(kaimingUniform(zeros([200, 300]), { a: Math.sqrt(5), ...gen() }), 1 / Math.sqrt(300));
  });

  it("kaimingUniform honours mode fanOut, nonlinearity and receptive fields", () => {
    expectUniform(kaimingUniform(zeros([200, 300]), { mode: "fanOut", ...gen() }), Math.sqrt(6 / 200));
    const tanh = kaimingUniform(zeros([200, 300]), { nonlinearity: "tanh", ...gen() });
    expectUniform(tanh, (5 / 3) * Math.sqrt(3 / 300));
    expectUniform(kaimingUniform(zeros([100, 30, 20]), gen()), Math.sqrt(6 / 600));
  });

  it("kaimingNormal: std = gain / sqrt(fan)", () => {
    expectNormal(kaimingNormal(zeros([200, 300]), { nonlinearity: "relu", ...gen() }), 0, Math.sqrt(2 / 300));
  });

  it("leaves empty tensors alone", () => {
    expect(kaimingUniform(zeros([0, 3])).shape).toEqual([0, 3]);
    expect(orthogonal(zeros([0, 3])).shape).toEqual([0, 3]);
  });
});

describe("orthogonal", () => {
  const gram = (q: Tensor, tall: boolean) => (tall ? matmul(mT(q), q) : matmul(q, mT(q)));

  it("gives orthonormal columns for a tall matrix and rows for a wide one", () => {
    const tall = orthogonal(zeros([50, 20], { dtype: "float64" }), gen());
    assertAllClose(gram(tall, true), eye(20, 20, { dtype: "float64" }), { atol: 1e-12 });
    const wide = orthogonal(zeros([20, 50], { dtype: "float64" }), gen(1));
    assertAllClose(gram(wide, false), eye(20, 20, { dtype: "float64" }), { atol: 1e-12 });
    const square = orthogonal(zeros([16, 16]), gen(2));
    assertAllClose(gram(square, true), eye(16), { atol: 1e-5 });
    assertAllClose(gram(square, false), eye(16), { atol: 1e-5 });
  });

  it("flattens trailing axes and scales by gain", () => {
    const q = orthogonal(zeros([6, 2, 5], { dtype: "float64" }), { gain: 2, ...gen() }).reshape([6, 10]);
    assertAllClose(gram(q, false), mul(eye(6, 6, { dtype: "float64" }), 4), { atol: 1e-12 });
  });

  it("is the Q of the QR decomposition of the drawn normal matrix, with R's diagonal positive", () => {
    const q = orthogonal(zeros([30, 12], { dtype: "float64" }), gen(5));
    const a = randn([30, 12], { dtype: "float64", ...gen(5) }); // the same draws
    const r = matmul(mT(q), a).toArray() as number[][];
    for (let i = 0; i < 12; i++) {
      expect(r[i]![i]!).toBeGreaterThan(0);
      for (let j = 0; j < i; j++) expect(Math.abs(r[i]![j]!)).toBeLessThan(1e-12);
    }
    assertAllClose(matmul(q, matmul(mT(q), a)), a, { atol: 1e-12 });
  });

  it("wide: the transpose of the QR of the transposed draw", () => {
    const q = orthogonal(zeros([5, 9], { dtype: "float64" }), gen(6));
    const a = randn([5, 9], { dtype: "float64", ...gen(6) });
    const r = matmul(q, mT(a)).toArray() as number[][]; // R = Q^T A^T, upper triangular
    for (let i = 0; i < 5; i++) {
      expect(r[i]![i]!).toBeGreaterThan(0);
      for (let j = 0; j < i; j++) expect(Math.abs(r[i]![j]!)).toBeLessThan(1e-12);
    }
  });
});

describe("initialiser errors", () => {
  it("rejects bad arguments with the initialiser's name", () => {
    expect(() => uniform(zeros([2]), 1, 0)).toThrow(/uniform: need finite low <= high, got 1, 0/);
    expect(() => uniform(zeros([2]), 0, Infinity)).toThrow(/uniform: need finite/);
    expect(() => normal(zeros([2]), 0, -1)).toThrow(/normal: need a finite mean and std >= 0/);
    expect(() => normal(zeros([2]), Number.NaN, 1)).toThrow(/normal: need a finite mean/);
    expect(() => uniform(zeros([2], { dtype: "int32" }))).toThrow(
      /uniform: expected a float tensor, got int32/,
    );
    expect(() => normal([1, 2] as any)).toThrow(/normal: expected a Tensor/);
    expect(() => constant(mul(ones([2], { requiresGrad: true }), 2), 1)).toThrow(
      /constant: cannot fill a tensor computed by a recorded op/,
    );
    expect(() => xavierUniform(zeros([3, 4]).transpose())).toThrow(/uniform: the tensor must be contiguous/);
    expect(() => computeFans([3])).toThrow(/computeFans: fans need a tensor of rank >= 2, got shape \[3\]/);
    expect(() => kaimingUniform(zeros([3]))).toThrow(/rank >= 2/);
    expect(() => kaimingUniform(zeros([3, 3]), { mode: "fan_in" as any })).toThrow(
      /kaimingUniform: mode must be "fanIn" or "fanOut", got "fan_in"/,
    );
    expect(() => kaimingNormal(zeros([3, 3]), { nonlinearity: "gelu" as any })).toThrow(
      /calculateGain: unsupported nonlinearity "gelu"/,
    );
    expect(() => calculateGain("leaky_relu", Number.NaN)).toThrow(/invalid negative slope/);
    expect(() => xavierNormal(zeros([3, 3]), { gain: Number.NaN })).toThrow(
      /xavierNormal: gain must be finite/,
    );
    expect(() => orthogonal(zeros([3]))).toThrow(/orthogonal: needs a tensor of rank >= 2, got shape \[3\]/);
    expect(() => orthogonal(zeros([3, 3]), { gain: Infinity })).toThrow(/orthogonal: gain must be finite/);
    expect(() => orthogonal(zeros([3, 3], { dtype: "int32" }))).toThrow(
      /orthogonal: expected a float tensor/,
    );
  });
});
