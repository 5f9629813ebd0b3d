import { describe, expect, it } from "vitest";
import type { NativeAddon } from "./index.js";
import { loadNative } from "./index.js";
import { makeCase, nativeForward, type Seq } from "./recurrent-testing.js";

const addon = loadNative().addon as NativeAddon;

// A valid LSTM call, its arguments as arrays to break one at a time.
const seq: Seq = { kind: "LSTM", T: 3, B: 2, I: 4, H: 5, dtype: "float32", reverse: false, lengths: null };
const { ops, cots } = makeCase(seq, [true, true], 1);
const { saved } = nativeForward(addon, seq, ops);
const f32 = (n: number) => new Float32Array(n);

function forwardArgs(): unknown[] {
  const { T, B, I, H } = seq;
  return [
    "LSTM",
    T,
    B,
    I,
    H,
    false,
    null,
    ops.x,
    ops.h0,
    ops.c0,
    ops.wih,
    ops.whh,
    ops.bih,
    ops.bhh,
    f32(T * B * H),
    f32(B * H),
    f32(B * H),
    f32(saved.length),
  ];
}

function backwardArgs(): unknown[] {
  const { T, B, I, H } = seq;
  return [
    "LSTM",
    T,
    B,
    I,
    H,
    false,
    null,
    ops.x,
    ops.wih,
    ops.whh,
    saved,
    cots.dy,
    cots.dhn,
    cots.dcn,
    f32(T * B * I),
    f32(B * H),
    f32(B * H),
    f32(20 * I),
    f32(20 * H),
    f32(20),
    f32(20),
  ];
}

const forward = (args: unknown[]) => (addon.recurrentForward as any)(...args);
const backward = (args: unknown[]) => (addon.recurrentBackward as any)(...args);

function withArg(args: unknown[], i: number, v: unknown): unknown[] {
  const out = args.slice();
  out[i] = v;
  return out;
}

describe("recurrent kernels: bad arguments throw a TypeError naming them", () => {
  it("accepts the valid calls", () => {
    expect(() => forward(forwardArgs())).not.toThrow();
    expect(() => backward(backwardArgs())).not.toThrow();
    expect(() => forward(withArg(forwardArgs(), 17, null))).not.toThrow(); // no saved: inference
    expect(() => backward(withArg(backwardArgs(), 14, null))).not.toThrow(); // skip dx
  });

  it.each([
    [0, "GRUX", /kind must be/],
    [1, 2.5, /T must be an integer/],
    [2, 0, /B must be an integer >= 1/],
    [4, -1, /H must be an integer >= 1/],
    [5, 1, /reverse must be a boolean/],
    [6, new Int32Array(3), /lengths must have B = 2 elements/],
    [6, new Float32Array(2), /lengths must be an Int32Array/],
    [6, Int32Array.from([1, 4]), /lengths\[1\] must be in \[0, T = 3\]/],
    [7, f32(23), /x must have 24 elements/],
    [7, [1, 2], /x must be a Float32Array or a Float64Array/],
    [8, new Float64Array(10), /h0 must be a Float32Array/],
    [9, null, /c0 must be a Float32Array/],
    [11, f32(99), /whh must have 100 elements/],
    [13, f32(21), /bhh must have 20 elements/],
    [14, ops.x, /y must have 30 elements/],
    [16, null, /cn must be a Float32Array/],
    [17, f32(1), /saved must have/],
  ])("forward argument %i = %s", (i, v, message) => {
    expect(() => forward(withArg(forwardArgs(), i, v))).toThrow(TypeError);
    expect(() => forward(withArg(forwardArgs(), i, v))).toThrow(message);
  });

  it.each([
    [10, f32(saved.length + 1), /saved must have/],
    [11, f32(29), /dy must have 30 elements/],
    [13, null, /dcn must be a Float32Array/],
    [17, f32(1), /dwih must have 80 elements/],
    [20, new Float64Array(20), /dbhh must be a Float32Array/],
  ])("backward argument %i = %s", (i, v, message) => {
    expect(() => backward(withArg(backwardArgs(), i, v))).toThrow(message);
  });

  it("c0, cn, dcn and dc0 must be null unless LSTM", () => {
    const gru = forwardArgs();
    gru[0] = "GRU";
    gru[10] = f32(15 * 4);
    gru[11] = f32(15 * 5);
    gru[12] = gru[13] = f32(15);
    gru[17] = f32(addon.recurrentSavedLength("GRU", 3, 2, 5));
    expect(() => forward(gru)).toThrow(/c0 must be null unless kind is LSTM/);
    gru[9] = null;
    expect(() => forward(gru)).toThrow(/cn must be null unless kind is LSTM/);
    gru[16] = null;
    expect(() => forward(gru)).not.toThrow();
  });

  it("outputs may not overlap any other array", () => {
    const { T, B, H } = seq;
    const buffer = new Float32Array(T * B * H + B * H);
    const y = buffer.subarray(0, T * B * H);
    expect(() =>
      forward(withArg(forwardArgs(), 15, buffer.subarray(T * B * H - 1, T * B * H - 1 + B * H))),
    ).not.toThrow();
    const args = withArg(forwardArgs(), 14, y);
    expect(() => forward(withArg(args, 15, buffer.subarray(T * B * H - 1, T * B * H + B * H - 1)))).toThrow(
      /y overlaps hn/,
    );
    expect(() =>
      forward(withArg(forwardArgs(), 14, new Float32Array(saved.buffer, 0, T * B * H))),
    ).not.toThrow();
    expect(() => backward(withArg(backwardArgs(), 18, new Float32Array(ops.whh.buffer)))).toThrow(
      /dwhh overlaps whh/,
    );
  });

  it("mixing Float32Array and Float64Array throws", () => {
    const args = forwardArgs();
    args[10] = new Float64Array(80);
    expect(() => forward(args)).toThrow(/wih must be a Float32Array/);
  });

  it("too few arguments and too large sizes throw", () => {
    expect(() => forward(forwardArgs().slice(0, 17))).toThrow(/expected 18 arguments/);
    expect(() => backward(backwardArgs().slice(0, 3))).toThrow(/expected 21 arguments/);
    expect(() => forward(withArg(forwardArgs(), 2, 2 ** 30))).toThrow(/sizes too large/);
    expect(() => addon.recurrentSavedLength("LSTM", 3, 0, 5)).toThrow(/B must be an integer >= 1/);
  });
});
