import { Generator } from "@nablajs/tensor";
import { describe, expect, it } from "vitest";
import { loadSafetensors } from "./load.js";
import { saveSafetensors } from "./save.js";
import { buildFile, concatBytes, leBytes } from "./testing.js";

const entry = (name: string, dtype: string, shape: unknown, offsets: unknown) =>
  `${JSON.stringify(name)}:${JSON.stringify({ dtype, shape, data_offsets: offsets })}`;
const file = (entries: string[], data: Uint8Array, meta?: string) =>
  buildFile(`{${[...(meta === undefined ? [] : [`"__metadata__":${meta}`]), ...entries].join(",")}}`, data);
const one = (dtype: string, shape: unknown, offsets: unknown, data: Uint8Array) =>
  file([entry("x", dtype, shape, offsets)], data);
/** The loader's error for `bytes`, checking that it is an Error from the loader. */
function errorOf(bytes: Uint8Array): string {
  try {
    loadSafetensors(bytes);
  } catch (e) {
    expect(e).toBeInstanceOf(Error);
    expect((e as Error).message).toMatch(/^loadSafetensors: /);
    return (e as Error).message;
  }
  throw new Error("expected loadSafetensors to throw");
}

describe("loadSafetensors dtype conversions", () => {
  it("widens F16 and BF16 to float32", () => {
    // 1, -2, 65504 (max), 2^-24 (smallest subnormal), +inf, NaN
    const f16 = one("F16", [6], [0, 12], leBytes("f16raw", [0x3c00, 0xc000, 0x7bff, 0x0001, 0x7c00, 0x7e00]));
    const t = loadSafetensors(f16).tensors.x!;
    expect(t.dtype).toBe("float32");
    expect(Array.from(t.toTypedArray())).toEqual([1, -2, 65504, 2 ** -24, Infinity, Number.NaN]);
    // bf16 is the top half of a float32: 1.0 = 0x3f80, -5 = 0xc0a0, 0.1 rounded = 0x3dcd
    const bf16 = one("BF16", [3], [0, 6], leBytes("f16raw", [0x3f80, 0xc0a0, 0x3dcd]));
    expect(Array.from(loadSafetensors(bf16).tensors.x!.toTypedArray())).toEqual([1, -5, 0.10009765625]);
  });

  it("narrows I64 (and the small integer types) to int32 when the values fit", () => {
    const i64 = one("I64", [3], [0, 24], leBytes("i64", [-2147483648n, 42n, 2147483647n]));
    expect(loadSafetensors(i64).tensors.x!.toArray()).toEqual([-2147483648, 42, 2147483647]);
    expect(loadSafetensors(one("U8", [2], [0, 2], leBytes("u8", [0, 255]))).tensors.x!.toArray()).toEqual([
      0, 255,
    ]);
    expect(loadSafetensors(one("I8", [2], [0, 2], leBytes("u8", [0x80, 1]))).tensors.x!.toArray()).toEqual([
      -128, 1,
    ]);
    expect(loadSafetensors(one("BOOL", [2], [0, 2], leBytes("u8", [0, 1]))).tensors.x!.toArray()).toEqual([
      0, 1,
    ]);
    expect(loadSafetensors(one("I16", [1], [0, 2], leBytes("i16", [-300]))).tensors.x!.toArray()).toEqual([
      -300,
    ]);
    expect(loadSafetensors(one("U16", [1], [0, 2], leBytes("f16raw", [65535]))).tensors.x!.toArray()).toEqual(
      [65535],
    );
  });

  it("rejects integers that do not fit in int32 and the 8-bit floats", () => {
    expect(errorOf(one("I64", [2], [0, 16], leBytes("i64", [1n, 2147483648n])))).toMatch(
      /tensor 'x': element 1 of I64 does not fit in int32/,
    );
    expect(errorOf(one("U32", [1], [0, 4], leBytes("i32", [-1])))).toMatch(
      /element 0 of U32 does not fit in int32/,
    );
    expect(errorOf(one("U64", [1], [0, 8], leBytes("i64", [-1n])))).toMatch(/U64 does not fit/);
    expect(errorOf(one("F8_E4M3", [1], [0, 1], leBytes("u8", [1])))).toMatch(
      /tensor 'x': unsupported dtype F8_E4M3/,
    );
  });
});

describe("loadSafetensors on malformed files", () => {
  const good = () => one("F32", [2], [0, 8], leBytes("f32", [1, 2]));

  it("a file shorter than the header length field", () => {
    expect(errorOf(new Uint8Array(5))).toMatch(/the file is 5 bytes, too short for the 8-byte header length/);
    expect(errorOf(new Uint8Array(0))).toMatch(/the file is 0 bytes/);
  });

  it("a header length beyond the file, beyond 100 MB, or zero", () => {
    const f = good();
    expect(errorOf(f.subarray(0, 20))).toMatch(
      /header length \d+ runs past the end of the file \(20 bytes\)/,
    );
    const big = buildFile("{}", new Uint8Array(0), { declared: 100_000_001n });
    expect(errorOf(big)).toMatch(/header length 100000001 exceeds the 100000000-byte limit/);
    const huge = buildFile("{}", new Uint8Array(0), { declared: 2n ** 64n - 1n });
    expect(errorOf(huge)).toMatch(/exceeds the 100000000-byte limit/);
    const within = buildFile("{}", new Uint8Array(0), { declared: 1000n });
    expect(errorOf(within)).toMatch(/header length 1000 runs past the end of the file \(16 bytes\)/);
    expect(errorOf(buildFile("", new Uint8Array(0), { declared: 0n }))).toMatch(/must be a JSON object/);
  });

  it("a truncated data buffer", () => {
    const f = good();
    expect(errorOf(f.subarray(0, f.length - 1))).toMatch(
      /tensor 'x': byte range \[0, 8\) is out of bounds \(7 data bytes\)/,
    );
  });

  it("a header that is not UTF-8, not JSON, or not an object", () => {
    const bad = buildFile("{}", new Uint8Array(0));
    bad[9] = 0xff;
    expect(errorOf(bad)).toMatch(/the header is not valid UTF-8/);
    expect(errorOf(buildFile('{"x":', new Uint8Array(0)))).toMatch(/the header is not valid JSON/);
    expect(errorOf(buildFile("[1,2]", new Uint8Array(0)))).toMatch(
      /must be a JSON object starting with '\{'/,
    );
    expect(errorOf(buildFile("null", new Uint8Array(0)))).toMatch(/must be a JSON object/);
    expect(errorOf(buildFile('{"x":3}', new Uint8Array(0)))).toMatch(
      /tensor 'x': expected an object with dtype, shape/,
    );
  });

  it("unknown dtypes", () => {
    expect(errorOf(one("F128", [1], [0, 16], new Uint8Array(16)))).toMatch(
      /tensor 'x': unknown dtype "F128"/,
    );
    expect(errorOf(one(undefined as any, [1], [0, 4], new Uint8Array(4)))).toMatch(/unknown dtype undefined/);
    expect(errorOf(one("f32", [1], [0, 4], new Uint8Array(4)))).toMatch(/unknown dtype "f32"/);
  });

  it("shapes that are not arrays of non-negative integers", () => {
    for (const shape of [[-1], [1.5], ["2"], 2, null, [2 ** 53]]) {
      expect(errorOf(one("F32", shape, [0, 4], new Uint8Array(4)))).toMatch(
        /tensor 'x': shape must be an array of non-negative integers/,
      );
    }
  });

  it("data_offsets that are not [begin, end] with 0 <= begin <= end", () => {
    for (const offsets of [[0], [0, 4, 8], [4, 0], [-4, 0], [0, 4.5], "0,4", null]) {
      expect(errorOf(one("F32", [1], offsets, new Uint8Array(8)))).toMatch(
        /tensor 'x': data_offsets must be \[begin, end\]/,
      );
    }
  });

  it("a byte range that does not match shape x element size", () => {
    expect(errorOf(one("F32", [3], [0, 8], new Uint8Array(8)))).toMatch(
      /tensor 'x': shape \[3\] of F32 needs more than 8 bytes, its range \[0, 8\) holds 8/,
    );
    expect(errorOf(one("F64", [1], [0, 16], new Uint8Array(16)))).toMatch(/shape \[1\] of F64 needs 8 bytes/);
    // Enormous shapes are caught by the byte count before anything is allocated.
    const huge = [2 ** 40, 2 ** 40, 2 ** 40];
    expect(errorOf(one("F64", huge, [0, 8], new Uint8Array(8)))).toMatch(/needs more than 8 bytes/);
    expect(loadSafetensors(one("F64", [2 ** 50, 0], [0, 0], new Uint8Array(0))).tensors.x!.size).toBe(0);
  });

  it("out-of-bounds, overlapping, gapped and trailing ranges", () => {
    const data = new Uint8Array(16);
    const two = (a: unknown, b: unknown) =>
      file([entry("a", "F32", [2], a), entry("b", "F32", [2], b)], data);
    expect(errorOf(one("F32", [4], [4, 20], data))).toMatch(
      /tensor 'x': byte range \[4, 20\) is out of bounds \(16 data bytes\)/,
    );
    expect(errorOf(two([0, 8], [4, 12]))).toMatch(/tensors 'a' and 'b' overlap \(bytes 4 to 8\)/);
    expect(errorOf(two([0, 8], [0, 8]))).toMatch(/overlap/);
    expect(errorOf(file([entry("a", "F32", [2], [8, 16])], data))).toMatch(
      /bytes \[0, 8\) of the data belong to no tensor/,
    );
    expect(loadSafetensors(two([0, 8], [8, 16])).tensors.b!.shape).toEqual([2]); // the valid layout
    expect(errorOf(file([entry("a", "F32", [2], [0, 8])], data))).toMatch(
      /bytes \[8, 16\) after the last tensor belong to no tensor/,
    );
    expect(errorOf(buildFile("{}", new Uint8Array(3)))).toMatch(/bytes \[0, 3\) after the last tensor/);
  });

  it("metadata that is not an object of strings", () => {
    const x = entry("x", "F32", [1], [0, 4]);
    const data = new Uint8Array(4);
    expect(errorOf(file([x], data, '{"epoch":3}'))).toMatch(/__metadata__ 'epoch' must be a string, got 3/);
    expect(errorOf(file([x], data, '{"a":null}'))).toMatch(/__metadata__ 'a' must be a string, got null/);
    expect(errorOf(file([x], data, '{"a":{"b":"c"}}'))).toMatch(/'a' must be a string/);
    expect(errorOf(file([x], data, '["a"]'))).toMatch(/__metadata__ must be an object of strings/);
    expect(errorOf(file([x], data, '"text"'))).toMatch(/__metadata__ must be an object/);
  });

  it("rejects inputs that are not bytes", () => {
    expect(() => loadSafetensors("file" as any)).toThrow(
      /loadSafetensors: expected a Uint8Array or an ArrayBuffer/,
    );
    expect(() => loadSafetensors([1, 2] as any)).toThrow(/expected a Uint8Array/);
  });
});

describe("loadSafetensors fuzzing", () => {
  it("never throws anything but its own Error on corrupted or truncated files", () => {
    const g = new Generator(2024);
    const base = saveSafetensors(loadSafetensors(good2()).tensors, { note: "fuzz" });
    let loaded = 0;
    let failed = 0;
    for (let trial = 0; trial < 600; trial++) {
      const bytes = base.slice();
      const flips = 1 + g.integer(0, 4);
      // Aim half of the flips at the header, where they matter most.
      for (let k = 0; k < flips; k++) {
        const at = g.random() < 0.5 ? g.integer(0, Math.min(bytes.length, 120)) : g.integer(0, bytes.length);
        bytes[at] = g.integer(0, 256);
      }
      const cut = g.random() < 0.3 ? g.integer(0, bytes.length + 1) : bytes.length;
      try {
        loadSafetensors(bytes.subarray(0, cut));
        loaded++;
      } catch (e) {
        expect(e).toBeInstanceOf(Error);
        expect(e!.constructor).toBe(Error);
        expect((e as Error).message).toMatch(/^loadSafetensors: /);
        failed++;
      }
    }
    expect(loaded).toBeGreaterThan(0);
    expect(failed).toBeGreaterThan(0);
  });
});

function good2(): Uint8Array {
  return file(
    [entry("b", "F32", [2], [48, 56]), entry("w", "F64", [2, 3], [0, 48])],
    concatBytes(leBytes("f64", [1, 2, 3, 4, 5, 6]), leBytes("f32", [7, 8])),
  );
}
