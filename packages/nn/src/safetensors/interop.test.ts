import { Tensor, tensor, zeros } from "@nablajs/tensor";
import { describe, expect, it } from "vitest";
import { loadSafetensors } from "./load.js";
import { saveSafetensors } from "./save.js";
import { buildFile, concatBytes, leBytes } from "./testing.js";

// Byte vectors from the reference implementation's own tests (huggingface/safetensors,
// safetensors/src/tensor.rs: test_empty and test_serialization_forced_alignement).
const EMPTY = [8, 0, 0, 0, 0, 0, 0, 0, 123, 125, 32, 32, 32, 32, 32, 32];
const EMPTY_WITH_METADATA = [
  40, 0, 0, 0, 0, 0, 0, 0, 123, 34, 95, 95, 109, 101, 116, 97, 100, 97, 116, 97, 95, 95, 34, 58, 123, 34, 102,
  114, 97, 109, 101, 119, 111, 114, 107, 34, 58, 34, 112, 116, 34, 125, 125, 32, 32, 32, 32, 32,
];
const ATTN0 = [
  72, 0, 0, 0, 0, 0, 0, 0, 123, 34, 97, 116, 116, 110, 48, 34, 58, 123, 34, 100, 116, 121, 112, 101, 34, 58,
  34, 70, 51, 50, 34, 44, 34, 115, 104, 97, 112, 101, 34, 58, 91, 49, 44, 49, 44, 50, 44, 51, 93, 44, 34, 100,
  97, 116, 97, 95, 111, 102, 102, 115, 101, 116, 115, 34, 58, 91, 48, 44, 50, 52, 93, 125, 125, 32, 32, 32,
  32, 32, 32, 32, 0, 0, 0, 0, 0, 0, 128, 63, 0, 0, 0, 64, 0, 0, 64, 64, 0, 0, 128, 64, 0, 0, 160, 64,
];

/** A file as Python's safetensors writes {a: f64 [2,1], b: f32 [2], c: i32 [3]} with metadata. */
function pythonFile(): Uint8Array {
  const header =
    '{"__metadata__":{"format":"pt"},' +
    '"a":{"dtype":"F64","shape":[2,1],"data_offsets":[0,16]},' +
    '"b":{"dtype":"F32","shape":[2],"data_offsets":[16,24]},' +
    '"c":{"dtype":"I32","shape":[3],"data_offsets":[24,36]}}';
  return buildFile(
    header,
    concatBytes(leBytes("f64", [0.1, 3]), leBytes("f32", [1.5, -2]), leBytes("i32", [1, -2, 7])),
  );
}

describe("safetensors interoperability", () => {
  it("writes the reference implementation's bytes exactly", () => {
    expect(Array.from(saveSafetensors({}))).toEqual(EMPTY);
    expect(Array.from(saveSafetensors({}, { framework: "pt" }))).toEqual(EMPTY_WITH_METADATA);
    const attn0 = tensor([0, 1, 2, 3, 4, 5], { shape: [1, 1, 2, 3] });
    expect(Array.from(saveSafetensors({ attn0 }))).toEqual(ATTN0);
  });

  it("reads the reference implementation's bytes", () => {
    const { tensors, metadata } = loadSafetensors(new Uint8Array(ATTN0));
    expect(tensors.attn0!.shape).toEqual([1, 1, 2, 3]);
    expect(tensors.attn0!.dtype).toBe("float32");
    expect(Array.from(tensors.attn0!.toTypedArray())).toEqual([0, 1, 2, 3, 4, 5]);
    expect(metadata).toEqual({});
    expect(loadSafetensors(new Uint8Array(EMPTY_WITH_METADATA))).toEqual({
      tensors: {},
      metadata: { framework: "pt" },
    });
  });

  it("loads a file built by hand from the spec, with each dtype", () => {
    const { tensors, metadata } = loadSafetensors(pythonFile());
    expect(metadata).toEqual({ format: "pt" });
    expect(Object.keys(tensors).sort()).toEqual(["a", "b", "c"]);
    expect(tensors.a!.dtype).toBe("float64");
    expect(tensors.a!.toArray()).toEqual([[0.1], [3]]);
    expect(tensors.b!.dtype).toBe("float32");
    expect(tensors.b!.toArray()).toEqual([1.5, -2]);
    expect(tensors.c!.dtype).toBe("int32");
    expect(tensors.c!.toArray()).toEqual([1, -2, 7]);
  });

  it("writes that same file: dtypes by descending alignment, then names, header padded with spaces", () => {
    const t = loadSafetensors(pythonFile()).tensors;
    const bytes = saveSafetensors({ c: t.c!, b: t.b!, a: t.a! }, { format: "pt" });
    expect(Array.from(bytes)).toEqual(Array.from(pythonFile()));
  });

  it("orders names by UTF-8 bytes and keeps integer-like names in that order", () => {
    const one = zeros([1]);
    const bytes = saveSafetensors({ z: one, é: one, "10": one, "9": one, B: one, "0": one });
    const n = Number(new DataView(bytes.buffer).getBigUint64(0, true));
    const header = new TextDecoder().decode(bytes.subarray(8, 8 + n));
    const names = [...header.matchAll(/"([^"]+)":\{"dtype"/g)].map((m) => m[1]);
    expect(names).toEqual(["0", "10", "9", "B", "z", "é"]);
    const offsets = [...header.matchAll(/"data_offsets":\[(\d+),(\d+)\]/g)].map((m) => [+m[1]!, +m[2]!]);
    expect(offsets).toEqual([0, 4, 8, 12, 16, 20].map((b) => [b, b + 4]));
    expect(n % 8).toBe(0);
    expect(header.trimEnd().endsWith("}")).toBe(true);
    expect(header.slice(header.trimEnd().length)).toMatch(/^ {0,7}$/);
  });

  it("round-trips every dtype bit for bit, views row-major, scalars and empty tensors", () => {
    const f32 = tensor([Number.NaN, -0, Infinity, -Infinity, 1e-45, 3.4e38]);
    const f64 = tensor([Math.PI, -0, Number.MIN_VALUE, Number.MAX_VALUE], { dtype: "float64" });
    const i32 = tensor([-2147483648, 2147483647, 0], { dtype: "int32" });
    const view = tensor([
      [1, 2, 3],
      [4, 5, 6],
    ]).transpose(); // [[1,4],[2,5],[3,6]]
    const scalar = tensor(2.5, { dtype: "float64" });
    const empty = zeros([0, 3], { dtype: "int32" });
    const out = loadSafetensors(saveSafetensors({ f32, f64, i32, view, scalar, empty })).tensors;
    expect(Object.is(out.f32!.toTypedArray()[1], -0)).toBe(true);
    expect(out.f32!.toTypedArray()).toEqual(f32.toTypedArray());
    expect(out.f64!.toTypedArray()).toEqual(f64.toTypedArray());
    expect(out.i32!.toArray()).toEqual([-2147483648, 2147483647, 0]);
    expect(out.view!.toArray()).toEqual([
      [1, 4],
      [2, 5],
      [3, 6],
    ]);
    expect(out.scalar!.shape).toEqual([]);
    expect(out.scalar!.item()).toBe(2.5);
    expect(out.empty!.shape).toEqual([0, 3]);
    expect(out.empty!.dtype).toBe("int32");
  });

  it("loads from an ArrayBuffer and from a misaligned view into a larger buffer", () => {
    const file = pythonFile();
    expect(loadSafetensors(file.slice().buffer).tensors.b!.toArray()).toEqual([1.5, -2]);
    const big = new Uint8Array(file.length + 3);
    big.set(file, 3);
    const t = loadSafetensors(big.subarray(3)).tensors;
    expect(t.a!.toArray()).toEqual([[0.1], [3]]);
    expect(t.c!.toArray()).toEqual([1, -2, 7]);
  });

  it("keeps a tensor named __proto__ as an entry, not a prototype", () => {
    const header = '{"__proto__":{"dtype":"F32","shape":[1],"data_offsets":[0,4]}}';
    const { tensors } = loadSafetensors(buildFile(header, leBytes("f32", [7])));
    expect(Object.getPrototypeOf(tensors)).toBe(Object.prototype);
    expect(Object.hasOwn(tensors, "__proto__")).toBe(true);
    expect(Object.getOwnPropertyDescriptor(tensors, "__proto__")!.value).toBeInstanceOf(Tensor);
  });

  it("accepts a missing or null __metadata__ and unpadded headers", () => {
    const entry = '"x":{"dtype":"I32","shape":[],"data_offsets":[0,4]}';
    const a = loadSafetensors(
      buildFile(`{"__metadata__":null,${entry}}`, leBytes("i32", [5]), { pad: false }),
    );
    expect(a.metadata).toEqual({});
    expect(a.tensors.x!.item()).toBe(5);
  });
});

describe("saveSafetensors errors", () => {
  it("rejects bad tensors and metadata", () => {
    expect(() => saveSafetensors(null as any)).toThrow(
      /saveSafetensors: tensors must be an object of name -> Tensor/,
    );
    expect(() => saveSafetensors([zeros([1])] as any)).toThrow(/tensors must be an object/);
    expect(() => saveSafetensors({ w: [1, 2] as any })).toThrow(/saveSafetensors: 'w' is not a Tensor/);
    expect(() => saveSafetensors({ __metadata__: zeros([1]) })).toThrow(/'__metadata__' is reserved/);
    expect(() => saveSafetensors({}, { epoch: 3 as any })).toThrow(
      /saveSafetensors: metadata 'epoch' must be a string, got number/,
    );
    expect(() => saveSafetensors({}, "x" as any)).toThrow(/metadata must be an object of string -> string/);
  });
});
