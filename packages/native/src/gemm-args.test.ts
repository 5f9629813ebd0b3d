import { spawnSync } from "node:child_process";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import type { NativeAddon } from "./index.js";
import { loadNative } from "./index.js";

const addon = loadNative().addon as NativeAddon;

// A valid 2 x 3 x 4 product: A [2, 4], B [4, 3], C [2, 3], all row-major.
const a = new Float32Array(8).fill(1);
const b = new Float32Array(12).fill(1);
const c = new Float32Array(6);
type GemmArgs = Parameters<NativeAddon["gemm"]>;
const ok: GemmArgs = [a, 0, 4, 1, b, 0, 3, 1, c, 0, 3, 2, 3, 4, false];
/** The valid call with argument i replaced. */
const withArg = (i: number, v: unknown) => ok.map((x, j) => (j === i ? v : x)) as GemmArgs;

describe("gemm arguments", () => {
  it("runs the valid call", () => {
    addon.gemm(...ok);
    expect([...c]).toEqual([4, 4, 4, 4, 4, 4]);
  });

  it("throws on an offset or stride that would read outside a, b or c", () => {
    expect(() => addon.gemm(...withArg(1, 1))).toThrow(
      /gemm: a is read at elements 1\.\.8, outside its length 8/,
    );
    expect(() => addon.gemm(...withArg(2, 5))).toThrow(/a is read/);
    expect(() => addon.gemm(...withArg(3, -1))).toThrow(/a is read at elements -3/);
    expect(() => addon.gemm(...withArg(5, 1))).toThrow(/b is read/);
    expect(() => addon.gemm(...withArg(6, 4))).toThrow(/b is read/);
    expect(() => addon.gemm(...withArg(9, 1))).toThrow(/c is read/);
    expect(() => addon.gemm(...withArg(11, 3))).toThrow(/a is read/);
    expect(() => addon.gemm(...withArg(13, 5))).toThrow(/a is read/);
    // (m - 1) * stride = 2^30 * 2^34 wraps to 0 in 64 bits: it must still count as out of bounds
    const wraps = [a, 0, 2 ** 34, 1, b, 0, 3, 1, c, 0, 3, 2 ** 30 + 1, 3, 4, false] as GemmArgs;
    expect(() => addon.gemm(...wraps)).toThrow(/a is read/);
  });

  it("throws on non-integer, negative or non-number sizes and offsets", () => {
    expect(() => addon.gemm(...withArg(1, 0.5))).toThrow(/a offset must be an integer/);
    expect(() => addon.gemm(...withArg(1, -1))).toThrow(/a offset must be an integer/);
    expect(() => addon.gemm(...withArg(11, Number.NaN))).toThrow(/m must be an integer/);
    expect(() => addon.gemm(...withArg(12, "3"))).toThrow(/n must be a number/);
    expect(() => addon.gemm(...withArg(13, 2 ** 31))).toThrow(/k must be an integer/);
    expect(() => addon.gemm(...withArg(14, 1))).toThrow(/accumulate must be a boolean/);
    expect(() => (addon.gemm as (...x: unknown[]) => void)(a, 0, 4, 1)).toThrow(/expected 15 arguments/);
  });

  it("throws on arrays that are not float arrays or do not share a dtype", () => {
    expect(() => addon.gemm(...withArg(0, new Int32Array(8)))).toThrow(
      /a must be a Float32Array or a Float64Array/,
    );
    expect(() => addon.gemm(...withArg(4, [1, 2]))).toThrow(/b must be a Float32Array/);
    expect(() => addon.gemm(...withArg(8, new Float64Array(6)))).toThrow(
      /a, b and c must have one dtype \(got Float32Array, Float32Array, Float64Array\)/,
    );
  });

  it("throws when C overlaps A or B, or its rows overlap each other", () => {
    const shared = new Float32Array(40);
    expect(() => addon.gemm(shared, 0, 4, 1, b, 0, 3, 1, shared, 4, 3, 2, 3, 4, false)).toThrow(
      /c overlaps a/,
    );
    const view = new Float32Array(shared.buffer, 0, 12);
    expect(() => addon.gemm(a, 0, 4, 1, view, 0, 3, 1, shared, 11, 3, 2, 3, 4, false)).toThrow(
      /c overlaps b/,
    );
    expect(() => addon.gemm(...withArg(10, 2))).toThrow(/ldc must be at least n/);
    // disjoint parts of one buffer are fine
    addon.gemm(shared, 0, 4, 1, view, 0, 3, 1, shared, 20, 3, 2, 3, 4, false);
  });

  it("touches nothing for empty products and zeroes C when k is 0", () => {
    const out = new Float32Array([7, 7, 7, 7, 7, 7]);
    addon.gemm(new Float32Array(0), 0, 1, 1, new Float32Array(0), 0, 1, 1, out, 0, 3, 0, 3, 5, false);
    addon.gemm(new Float32Array(0), 0, 1, 1, new Float32Array(0), 0, 1, 1, out, 0, 3, 2, 0, 5, false);
    expect([...out]).toEqual([7, 7, 7, 7, 7, 7]);
    addon.gemm(new Float32Array(0), 0, 0, 1, new Float32Array(0), 0, 3, 1, out, 0, 3, 2, 3, 0, true);
    expect([...out]).toEqual([7, 7, 7, 7, 7, 7]);
    addon.gemm(new Float32Array(0), 0, 0, 1, new Float32Array(0), 0, 3, 1, out, 0, 3, 2, 3, 0, false);
    expect([...out]).toEqual([0, 0, 0, 0, 0, 0]);
  });
});

describe("packB and gemmPacked arguments", () => {
  it("throws on a bad B, a handle that is not from packB, or a dtype that differs from the pack", () => {
    expect(() => addon.packB(b, 1, 3, 1, 4, 3)).toThrow(/packB: b is read/);
    expect(() => addon.packB(b, 0, 3, 1, 4, -3)).toThrow(/packB: n must be an integer/);
    const packed = addon.packB(b, 0, 3, 1, 4, 3);
    const out = new Float32Array(6);
    addon.gemmPacked(a, 0, 4, 1, packed, out, 0, 3, 2, false);
    expect([...out]).toEqual([4, 4, 4, 4, 4, 4]);
    const fake = { __brand: "PackedMatrix" } as never;
    expect(() => addon.gemmPacked(a, 0, 4, 1, fake, out, 0, 3, 2, false)).toThrow(
      /packed must be a handle returned by packB/,
    );
    expect(() =>
      addon.gemmPacked(new Float64Array(8), 0, 4, 1, packed, new Float64Array(6), 0, 3, 2, false),
    ).toThrow(/one dtype \(got Float64Array, Float32Array, Float64Array\)/);
    expect(() => addon.gemmPacked(a, 0, 4, 1, packed, out, 1, 3, 2, false)).toThrow(/c is read/);
    expect(() => addon.gemmPacked(a, 0, 4, 1, packed, a, 0, 3, 2, false)).toThrow(/c overlaps a/);
    expect(() => addon.gemmPacked(a, 0, 4, 1, packed, out, 0, 3, 2, false, 1, 3)).toThrow(
      /multiple of the panel/,
    );
    expect(() => addon.gemmPacked(a, 0, 4, 1, packed, out, 0, 3, 2, false, 0, 4)).toThrow(
      /n1 must be an integer/,
    );
  });
});

describe("threads and instruction sets", () => {
  it("sets and reports the thread count, 0 restoring the default", () => {
    const initial = addon.numThreads();
    expect(initial).toBeGreaterThanOrEqual(1);
    addon.setNumThreads(3);
    expect(addon.numThreads()).toBe(3);
    addon.setNumThreads(0);
    expect(addon.numThreads()).toBe(initial);
    expect(() => addon.setNumThreads(-1)).toThrow(/setNumThreads: n must be an integer/);
    expect(() => addon.setNumThreads(1.5)).toThrow(/setNumThreads: n must be an integer/);
  });

  it("sizes the pool from NABLA_NUM_THREADS when it is set", () => {
    const path = fileURLToPath(new URL("../build/Release/nabla_native.node", import.meta.url));
    const script = `console.log(require(${JSON.stringify(path)}).numThreads())`;
    const run = (env: Record<string, string>) =>
      spawnSync(process.execPath, ["-e", script], {
        env: { ...process.env, ...env },
        encoding: "utf8",
      }).stdout.trim();
    expect(run({ NABLA_NUM_THREADS: "3" })).toBe("3");
    expect(Number(run({ NABLA_NUM_THREADS: "junk" }))).toBeGreaterThanOrEqual(1); // ignored: the core count
  });

  it("forces an instruction set the CPU has, refuses unknown names", () => {
    expect(addon.setGemmIsa("scalar")).toBe(true);
    expect(addon.gemmIsa()).toBe("scalar");
    expect(addon.setGemmIsa("auto")).toBe(true);
    expect(addon.gemmIsa()).toBe(addon.isa());
    expect(() => addon.setGemmIsa("sse" as never)).toThrow(/setGemmIsa: name must be/);
  });

  it("runs a matrix packed under one instruction set with that set's kernels after a switch", () => {
    addon.setGemmIsa("scalar");
    const packed = addon.packB(b, 0, 3, 1, 4, 3);
    addon.setGemmIsa("auto");
    const out = new Float32Array(6);
    addon.gemmPacked(a, 0, 4, 1, packed, out, 0, 3, 2, false);
    expect([...out]).toEqual([4, 4, 4, 4, 4, 4]);
  });
});
