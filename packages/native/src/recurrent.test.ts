import { afterAll, describe, expect, it } from "vitest";
import type { GemmIsa, NativeAddon } from "./index.js";
import { loadNative } from "./index.js";
import type { RecurrentKind } from "./recurrent.js";
import {
  type Dtype,
  expectClose,
  makeCase,
  nativeBackward,
  nativeForward,
  reference,
  type Seq,
} from "./recurrent-testing.js";

const addon = loadNative().addon as NativeAddon;
const isas = (["avx512", "avx2", "scalar"] as GemmIsa[]).filter((isa) => addon.setGemmIsa(isa));
addon.setGemmIsa("auto");
const kinds: RecurrentKind[] = ["LSTM", "GRU", "RNN_TANH", "RNN_RELU"];

afterAll(() => {
  addon.setGemmIsa("auto");
  addon.setNumThreads(0);
});

interface Shape {
  name: string;
  T: number;
  B: number;
  I: number;
  H: number;
  bias: [boolean, boolean];
  reverse?: boolean;
  lengths?: number[];
}

// Odd H (partial blocks of units), T = 1, B = 1, every bias pattern, reverse, lengths with empty
// and full entries in both directions, and each way the loop is run (unpacked weights for tiny
// batches, blocks of units per step, or row chunks on two threads; blocks again for weights
// past a core's L2).
const shapes: Shape[] = [
  { name: "T5 B3 I4 H7", T: 5, B: 3, I: 4, H: 7, bias: [true, true] },
  {
    name: "reverse, lengths, no bias, H33",
    T: 6,
    B: 4,
    I: 3,
    H: 33,
    bias: [false, false],
    reverse: true,
    lengths: [0, 6, 3, 1],
  },
  { name: "T1 B1 H100", T: 1, B: 1, I: 2, H: 100, bias: [true, true] },
  {
    name: "lengths, b_ih only, B13",
    T: 7,
    B: 13,
    I: 9,
    H: 20,
    bias: [true, false],
    lengths: [7, 0, 2, 7, 5, 1, 1, 6, 7, 3, 0, 4, 7],
  },
  { name: "reverse, b_hh only, I1", T: 4, B: 2, I: 1, H: 16, bias: [false, true], reverse: true },
  // T B <= 8: the forward runs on unpacked weights
  {
    name: "T2 B4 (unpacked), lengths, H19",
    T: 2,
    B: 4,
    I: 5,
    H: 19,
    bias: [true, true],
    lengths: [2, 0, 1, 2],
  },
  // 16 rows or more: two threads split the batch (each runs every step on its rows)
  {
    name: "B17 (row chunks), reverse, lengths",
    T: 5,
    B: 17,
    I: 3,
    H: 9,
    bias: [true, true],
    reverse: true,
    lengths: [5, 0, 3, 5, 1, 2, 5, 4, 0, 5, 5, 3, 1, 2, 4, 5, 5],
  },
  // 16 rows, but packed weights past 2 MiB (LSTM in both dtypes, GRU in float64): the threads
  // split each step's blocks instead, as for the 2x512 char-LM
  {
    name: "B16 H370 (blocks: weights past L2), lengths",
    T: 3,
    B: 16,
    I: 5,
    H: 370,
    bias: [true, true],
    lengths: [3, 1, 0, 3, 2, 3, 3, 1, 3, 2, 3, 3, 0, 3, 3, 2],
  },
];

/** The tolerance of a comparison with the TypeScript kernels: float32 and float64 rounding over T steps. */
const tolerance = (dtype: Dtype) => (dtype === "float32" ? 1e-4 : 1e-12);

/** Runs the native kernels on every instruction set and thread count against one reference. */
function checkAll(seq: Seq, bias: [boolean, boolean], seed: number) {
  const { ops, cots } = makeCase(seq, bias, seed);
  const want = reference(seq, ops, cots);
  const tol = tolerance(seq.dtype);
  for (const isa of isas)
    for (const threads of [1, 2]) {
      addon.setGemmIsa(isa);
      addon.setNumThreads(threads);
      const at = `${isa}, ${threads} thread(s)`;
      const got = nativeForward(addon, seq, ops);
      expectClose(`y (${at})`, got.y, want.y, tol);
      expectClose(`hn (${at})`, got.hn, want.hn, tol);
      expectClose(`cn (${at})`, got.cn, want.cn, tol);
      const g = nativeBackward(addon, seq, ops, got.saved, cots);
      for (const k of ["x", "h0", "c0", "wih", "whh", "bih", "bhh"] as const)
        expectClose(`d${k} (${at})`, g[k], want.grads[k], tol);
    }
}

describe.each(kinds)("%s: native forward and backward equal the TypeScript kernels", (kind) => {
  describe.each(["float32", "float64"] as Dtype[])("%s", (dtype) => {
    it.each(shapes)("$name", (s) => {
      const lengths = s.lengths ? Int32Array.from(s.lengths) : null;
      const seq: Seq = { kind, T: s.T, B: s.B, I: s.I, H: s.H, dtype, reverse: s.reverse ?? false, lengths };
      checkAll(seq, s.bias, 7 + s.T * 31 + s.H);
    });
  });
});

describe("without saved activations (inference)", () => {
  it.each(kinds)("%s gives the same outputs", (kind) => {
    const seq: Seq = {
      kind,
      T: 9,
      B: 5,
      I: 6,
      H: 40,
      dtype: "float32",
      reverse: true,
      lengths: Int32Array.from([9, 0, 4, 9, 1]),
    };
    const { ops } = makeCase(seq, [true, true], 5);
    const want = nativeForward(addon, seq, ops);
    const lstm = kind === "LSTM";
    const [y, hn, cn] = [
      new Float32Array(9 * 5 * 40),
      new Float32Array(5 * 40),
      lstm ? new Float32Array(5 * 40) : null,
    ];
    const { T, B, I, H, reverse, lengths } = seq;
    addon.recurrentForward(
      kind,
      T,
      B,
      I,
      H,
      reverse,
      lengths,
      ops.x,
      ops.h0,
      ops.c0,
      ops.wih,
      ops.whh,
      ops.bih,
      ops.bhh,
      y,
      hn,
      cn,
      null,
    );
    expect(y).toEqual(want.y);
    expect(hn).toEqual(want.hn);
    expect(cn).toEqual(want.cn);
  });
});

describe("the char-LM shape: T 64, B 32, I 64, H 256, float32", () => {
  it.each(["LSTM", "GRU"] as RecurrentKind[])("%s", (kind) => {
    const seq: Seq = { kind, T: 64, B: 32, I: 64, H: 256, dtype: "float32", reverse: false, lengths: null };
    checkAll(seq, [true, true], 2024);
  });
});
