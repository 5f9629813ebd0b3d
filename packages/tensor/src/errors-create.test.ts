// Bad input to tensor() and the creation functions gets a clear error naming the function and
// what was expected.
import { describe, it } from "vitest";
import * as T from "./node.js";
import { throwsClear } from "./test-utils.js";

const x = T.ones([2, 3]);
const bad = (v: unknown) => v as never;

describe("tensor()", () => {
  it.each([
    [
      "ragged rows",
      () => T.tensor([[1, 2], [3]]),
      /tensor: ragged nested array: expected length 2 at depth 1 \(shape \[2,2\]\), got 1/,
    ],
    [
      "number among rows",
      () => T.tensor(bad([[1, 2], 3])),
      /tensor: ragged nested array: expected length 2 at depth 1/,
    ],
    [
      "array among numbers",
      () => T.tensor(bad([1, [2]])),
      /tensor: expected a number at depth 1, got an array/,
    ],
    ["string", () => T.tensor(bad("abc")), /tensor: expected a number at depth 0, got string/],
    ["string inside", () => T.tensor(bad([[1, "a"]])), /tensor: expected a number at depth 2, got string/],
    ["undefined", () => T.tensor(bad(undefined)), /tensor: expected a number at depth 0, got undefined/],
    ["null inside", () => T.tensor(bad([1, null])), /tensor: expected a number at depth 1, got object/],
    // biome-ignore lint/suspicious/noSparseArray: a hole is the input under test
    ["hole", () => T.tensor(bad([1, , 3])), /tensor: expected a number at depth 1, got undefined/],
    ["object", () => T.tensor(bad({ a: 1 })), /tensor: expected a number at depth 0, got object/],
    [
      "shape vs nested data",
      () => T.tensor([1, 2, 3], { shape: [2, 2] }),
      /^tensor: shape \[2,2\] needs 4 elements, the data has 3$/,
    ],
    [
      "shape vs typed array",
      () => T.tensor(new Float32Array(3), { shape: [2] }),
      /tensor: shape \[2\] needs 2 elements, the data has 3/,
    ],
    [
      "negative shape",
      () => T.tensor([1, 2], { shape: [-2, -1] }),
      /tensor: shape must be an array of non-negative integers, got \[-2,-1\]/,
    ],
    ["unknown dtype", () => T.tensor([1], { dtype: bad("float16") }), /tensor: unknown dtype "float16"/],
  ])("%s", (_, f, message) => throwsClear(f, message));
});

describe("creation functions", () => {
  it.each([
    [
      "zeros: shape not an array",
      () => T.zeros(bad(3)),
      /full: shape must be an array of non-negative integers, got 3/,
    ],
    [
      "zeros: negative",
      () => T.zeros([2, -1]),
      /shape must be an array of non-negative integers, got \[2,-1\]/,
    ],
    ["ones: fractional", () => T.ones([1.5]), /shape must be an array of non-negative integers, got \[1.5\]/],
    ["ones: unknown dtype", () => T.ones([1], { dtype: bad("bool") }), /unknown dtype "bool"/],
    ["full: value not a number", () => T.full([2], bad("a")), /full: value must be a number, got string/],
    [
      "zerosLike: not a tensor",
      () => T.zerosLike(bad(undefined)),
      /zerosLike: input must be a Tensor, got undefined/,
    ],
    ["onesLike: not a tensor", () => T.onesLike(bad([1, 2])), /onesLike: input must be a Tensor, got object/],
    ["onesLike: unknown dtype", () => T.onesLike(x, { dtype: bad("f16") }), /unknown dtype "f16"/],
    ["arange: step 0", () => T.arange(0, 3, 0), /arange: step must be a finite non-zero number, got 0/],
    [
      "arange: infinite step",
      () => T.arange(0, 3, Infinity),
      /arange: step must be a finite non-zero number, got Infinity/,
    ],
    [
      "arange: NaN stop",
      () => T.arange(0, Number.NaN),
      /arange: start and stop must be finite numbers, got 0 and NaN/,
    ],
    ["arange: infinite", () => T.arange(Infinity), /arange: start and stop must be finite numbers/],
    ["arange: string", () => T.arange(bad("3")), /arange: start and stop must be finite numbers/],
    ["arange: dtype", () => T.arange(3, undefined, 1, { dtype: bad("x") }), /arange: unknown dtype "x"/],
    [
      "linspace: negative num",
      () => T.linspace(0, 1, -1),
      /linspace: num must be a non-negative integer, got -1/,
    ],
    [
      "linspace: fractional num",
      () => T.linspace(0, 1, 2.5),
      /linspace: num must be a non-negative integer, got 2.5/,
    ],
    [
      "linspace: NaN end",
      () => T.linspace(0, Number.NaN, 3),
      /linspace: start and stop must be finite numbers/,
    ],
    ["eye: negative", () => T.eye(-1), /eye: shape must be an array of non-negative integers, got \[-1,-1\]/],
    [
      "eye: fractional m",
      () => T.eye(2, 1.5),
      /eye: shape must be an array of non-negative integers, got \[2,1.5\]/,
    ],
    [
      "randn: int32",
      () => T.randn([2], { dtype: "int32" }),
      /randn: dtype must be float32 or float64, got int32/,
    ],
    ["randn: bad shape", () => T.randn(bad(2)), /randn: shape must be an array of non-negative integers/],
    [
      "rand: negative shape",
      () => T.rand([-1]),
      /rand: shape must be an array of non-negative integers, got \[-1\]/,
    ],
    [
      "rand: bad generator",
      () => T.rand([1], { generator: bad({}) }),
      /rand: generator must be a Generator, got object/,
    ],
    [
      "randn: bad generator",
      () => T.randn([1], { generator: bad(Math.random) }),
      /randn: generator must be a Generator, got function/,
    ],
    [
      "randint: low >= high",
      () => T.randint(3, 3, [2]),
      /randint: need integers low < high, got low=3, high=3/,
    ],
    ["randint: fractional", () => T.randint(0.5, 3, [2]), /randint: need integers low < high, got low=0.5/],
    [
      "randint: bad shape",
      () => T.randint(0, 3, bad(5)),
      /randint: shape must be an array of non-negative integers, got 5/,
    ],
    [
      "randint: bad generator",
      () => T.randint(0, 3, [1], { generator: bad(1) }),
      /randint: generator must be a Generator, got number/,
    ],
    ["manualSeed: NaN", () => T.manualSeed(Number.NaN), /manualSeed: seed must be a finite number, got NaN/],
    [
      "Generator: string seed",
      () => new T.Generator(bad("x")),
      /manualSeed: seed must be a finite number, got x/,
    ],
    [
      "setState: wrong length",
      () => new T.Generator().setState([1, 2]),
      /Generator.setState: expected the 5 numbers getState returns, got \[1,2\]/,
    ],
    [
      "setState: not uint32",
      () => new T.Generator().setState([1.5, 2, 3, 4, 0]),
      /Generator.setState: state words must be uint32, not all 0, got \[1.5,2,3,4\]/,
    ],
    [
      "setState: all zero",
      () => new T.Generator().setState([0, 0, 0, 0, 0]),
      /state words must be uint32, not all 0/,
    ],
    [
      "Tensor: not a typed array",
      () => new T.Tensor(bad([1, 2]), [2]),
      /Tensor: data must be a Float32Array, Float64Array or Int32Array/,
    ],
  ])("%s", (_, f, message) => throwsClear(f, message));
});
