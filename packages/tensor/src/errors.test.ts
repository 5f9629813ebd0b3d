// Every bad input gets a clear error at the call that caused it, naming the op, the shapes or
// dtypes, and what was expected.
import { describe, expect, it } from "vitest";
import * as T from "./index.js";

const x = T.ones([2, 3]);
const x64 = T.ones([2, 3], { dtype: "float64" });
const ints = T.ones([2], { dtype: "int32" });
const idx = (v: T.NestedArray) => T.tensor(v, { dtype: "int32" });
const bad = (v: unknown) => v as never;

/** Runs `f` expecting a plain Error (never a TypeError from deep inside) whose message matches. */
function throwsClear(f: () => unknown, message: RegExp) {
  let err: unknown;
  try {
    f();
  } catch (e) {
    err = e;
  }
  expect(err, `expected ${message} to be thrown`).toBeInstanceOf(Error);
  expect(err).not.toBeInstanceOf(TypeError);
  expect((err as Error).message).toMatch(message);
}

describe("matmul", () => {
  it.each([
    [
      "misaligned 2-D",
      () => T.matmul(T.ones([2, 3]), T.ones([4, 5])),
      /^matmul: shapes \[2,3\] and \[4,5\] do not align: 3 != 4$/,
    ],
    [
      "misaligned 1-D",
      () => T.matmul(T.ones([3]), T.ones([4])),
      /matmul: shapes \[3\] and \[4\] do not align: 3 != 4/,
    ],
    [
      "misaligned vec @ mat",
      () => T.matmul(T.ones([3]), T.ones([2, 5])),
      /shapes \[3\] and \[2,5\] do not align: 3 != 2/,
    ],
    [
      "misaligned batch",
      () => T.matmul(T.ones([2, 3, 4]), T.ones([3, 4, 5])),
      /matmul: shapes \[2\] and \[3\] do not broadcast/,
    ],
    [
      "scalar operand",
      () => T.matmul(T.tensor(1), T.ones([1])),
      /matmul: both operands need at least 1 axis, got \[\] and \[1\]/,
    ],
    [
      "mixed dtypes",
      () => T.matmul(x, T.ones([3, 2], { dtype: "float64" })),
      /matmul: mixed dtypes float32 \[2,3\] and float64 \[3,2\]/,
    ],
    [
      "int32",
      () => T.matmul(T.ones([2, 2], { dtype: "int32" }), T.ones([2, 2], { dtype: "int32" })),
      /matmul: expected a float32 or float64 tensor, got int32 \[2,2\]/,
    ],
    ["not a tensor", () => T.matmul(bad([[1]]), x), /matmul: input must be a Tensor, got object/],
    ["mT of 1-D", () => T.mT(T.ones([3])), /mT: expected at least 2 axes, got \[3\]/],
  ])("%s", (_, f, message) => throwsClear(f, message));
});

describe("broadcasting", () => {
  it.each([
    [
      "add",
      () => T.add(x, T.ones([4])),
      /^add: shapes \[2,3\] and \[4\] do not broadcast: axis -1 has 3 vs 4$/,
    ],
    [
      "mul 3-D",
      () => T.mul(T.ones([2, 3, 4]), T.ones([3, 3, 1])),
      /mul: shapes \[2,3,4\] and \[3,3,1\] do not broadcast: axis -3 has 2 vs 3/,
    ],
    ["size 0 vs 2", () => T.sub(T.ones([0]), T.ones([2])), /sub: shapes \[0\] and \[2\] do not broadcast/],
    ["comparison", () => T.gt(x, T.ones([2])), /gt: shapes \[2,3\] and \[2\] do not broadcast/],
    ["where", () => T.where(idx([1, 0]), x, 0), /where: shapes \[2\] and \[2,3\] do not broadcast/],
    ["expand", () => T.expand(x, [2, 4]), /expand: cannot expand \[2,3\] to \[2,4\]: axis 1 has 3 != 4/],
    ["expand to fewer axes", () => T.expand(x, [3]), /expand: cannot expand \[2,3\] to fewer axes \[3\]/],
    ["expand -1 on a new axis", () => T.expand(x, [-1, 2, 3]), /expand: invalid target shape \[-1,2,3\]/],
  ])("%s", (_, f, message) => throwsClear(f, message));
});

describe("axis out of range", () => {
  const scalar = T.tensor(1);
  it.each([
    ["sum", () => T.sum(x, 2), /^sum: axis 2 is out of range for a tensor of rank 2$/],
    ["sum negative", () => T.sum(x, -3), /sum: axis -3 is out of range for a tensor of rank 2/],
    ["sum fractional", () => T.sum(x, 0.5), /sum: axis 0.5 is out of range/],
    ["sum repeated", () => T.sum(x, [0, -2]), /sum: repeated axis in \[0,-2\]/],
    ["sum string", () => T.sum(x, bad("0")), /sum: axis must be a number or an array of numbers, got string/],
    [
      "sum of a scalar over axis 0",
      () => T.sum(scalar, 0),
      /sum: axis 0 is out of range for a tensor of rank 0/,
    ],
    ["mean", () => T.mean(x, [0, 5]), /mean: axis 5 is out of range/],
    ["max", () => T.max(x, -4), /max: axis -4 is out of range/],
    ["min", () => T.min(x, 2), /min: axis 2 is out of range/],
    ["argmax", () => T.argmax(x, 2), /argmax: axis 2 is out of range/],
    ["argmin", () => T.argmin(x, -3), /argmin: axis -3 is out of range/],
    ["var", () => T.variance(x, 3), /var: axis 3 is out of range/],
    ["logsumexp", () => T.logsumexp(x, 2), /logsumexp: axis 2 is out of range/],
    ["softmax", () => T.softmax(x, 2), /softmax: axis 2 is out of range/],
    ["logSoftmax", () => T.logSoftmax(x, -3), /logSoftmax: axis -3 is out of range/],
    ["concat", () => T.concat([x, x], 2), /concat: axis 2 is out of range/],
    ["stack", () => T.stack([x, x], 4), /stack: axis 4 is out of range for a tensor of rank 3/],
    ["split", () => T.split(x, 1, 2), /split: axis 2 is out of range/],
    ["narrow", () => T.narrow(x, 2, 0, 1), /narrow: axis 2 is out of range/],
    ["squeeze", () => T.squeeze(x, 2), /squeeze: axis 2 is out of range/],
    ["unsqueeze", () => T.unsqueeze(x, 3), /unsqueeze: axis 3 is out of range for a tensor of rank 3/],
    ["transpose", () => T.transpose(x, [0, 2]), /transpose: axis 2 is out of range/],
    ["indexSelect", () => T.indexSelect(x, 2, idx([0])), /indexSelect: axis 2 is out of range/],
    ["indexAdd", () => T.indexAdd(x, -3, idx([0]), x), /indexAdd: axis -3 is out of range/],
    ["topk", () => T.topk(x, 1, 2), /topk: axis 2 is out of range/],
  ])("%s", (_, f, message) => throwsClear(f, message));
});

describe("dtypes", () => {
  it.each([
    [
      "add",
      () => T.add(x, x64),
      /^add: mixed dtypes float32 \[2,3\] and float64 \[2,3\]; cast one with astype\(\)$/,
    ],
    ["comparison", () => T.eq(ints, T.ones([2])), /eq: mixed dtypes int32 \[2\] and float32 \[2\]/],
    ["maximum", () => T.maximum(x64, x), /maximum: mixed dtypes float64/],
    [
      "where",
      () => T.where(ints, T.ones([2]), T.ones([2], { dtype: "float64" })),
      /where: mixed dtypes float32 \[2\] and float64 \[2\]/,
    ],
    ["concat", () => T.concat([x, x64]), /concat: mixed dtypes float32 and float64/],
    ["stack", () => T.stack([x, x64]), /mixed dtypes float32 and float64/],
    [
      "indexAdd",
      () => T.indexAdd(x, 0, idx([0]), T.ones([1, 3], { dtype: "float64" })),
      /indexAdd: src must be float32 \[1,3\], got float64 \[1,3\]/,
    ],
    [
      "astype",
      () => T.astype(x, bad("bool")),
      /astype: unknown dtype "bool"; expected one of float32, float64, int32/,
    ],
  ])("mixed or unknown dtypes: %s", (_, f, message) => throwsClear(f, message));

  const floatOnly: [string, () => unknown][] = [
    ...["exp", "log", "sin", "cos", "tanh", "sigmoid", "sqrt"].map(
      (op) => [op, () => (T as any)[op](ints)] as [string, () => unknown],
    ),
    ["pow", () => T.pow(ints, 2)],
    ["mean", () => T.mean(ints)],
    ["var", () => T.variance(ints)],
    ["softmax", () => T.softmax(ints)],
    ["logSoftmax", () => T.logSoftmax(ints)],
    ["logsumexp", () => T.logsumexp(ints)],
    ["matmul", () => T.matmul(ints, ints)],
  ];
  it.each(floatOnly)("integer data given to float-only %s", (op, f) =>
    throwsClear(
      f,
      new RegExp(`^${op}: expected a float32 or float64 tensor, got int32 \\[2\\]; cast with astype\\(\\)$`),
    ),
  );
  it.each([
    [
      "lt",
      () => T.lt(ints, 0.5),
      /^lt: the number 0.5 is not an int32 value, so it cannot meet an int32 tensor \[2\]; cast the tensor with astype\(\)$/,
    ],
    ["eq", () => T.eq(1.5, ints), /eq: the number 1.5 is not an int32 value/],
    ["add", () => T.add(ints, Infinity), /add: the number Infinity is not an int32 value/],
    ["mul", () => T.mul(ints, 2 ** 32), /mul: the number 4294967296 is not an int32 value/],
    ["where", () => T.where(ints, ints, 0.5), /where: the number 0.5 is not an int32 value/],
  ])("a number int32 cannot hold meeting an int32 tensor: %s", (_, f, message) => throwsClear(f, message));
  it("integer division", () =>
    throwsClear(() => T.div(ints, 2), /div: integer division of int32 tensors is not defined/));
  it("gradients only for floats", () => {
    throwsClear(
      () => T.tensor([1], { dtype: "int32", requiresGrad: true }),
      /requiresGrad: only float tensors can require gradients, got int32/,
    );
  });
});

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

describe("shapes, views and indexing", () => {
  it.each([
    [
      "reshape: size",
      () => T.reshape(x, [4, 2]),
      /^reshape: cannot reshape \[2,3\] \(6 elements\) into \[4,2\]$/,
    ],
    [
      "reshape: -1 that does not divide",
      () => T.reshape(x, [4, -1]),
      /reshape: cannot reshape \[2,3\] \(6 elements\) into \[4,-1\]/,
    ],
    [
      "reshape: two -1",
      () => T.reshape(x, [-1, -1]),
      /reshape: invalid target shape \[-1,-1\] \(at most one -1, others >= 0\)/,
    ],
    ["reshape: fractional", () => T.reshape(x, [1.5, 4]), /reshape: invalid target shape \[1.5,4\]/],
    ["reshape: not an array", () => T.reshape(x, bad(6)), /reshape: shape must be an array, got number/],
    [
      "transpose: not a permutation",
      () => T.transpose(x, [0, 0]),
      /transpose: axes \[0,0\] are not a permutation of 2 axes of \[2,3\]/,
    ],
    ["transpose: too few axes", () => T.transpose(x, [1]), /transpose: axes \[1\] are not a permutation/],
    ["transpose: not an array", () => T.transpose(x, bad(1)), /transpose: axes must be an array, got number/],
    ["expand: not an array", () => T.expand(x, bad(3)), /expand: shape must be an array, got number/],
    [
      "narrow: past the end",
      () => T.narrow(x, 1, 2, 2),
      /narrow: range \[2, 2\+2\) is out of bounds for axis 1 of \[2,3\]/,
    ],
    ["narrow: negative length", () => T.narrow(x, 1, 0, -1), /narrow: range \[0, 0\+-1\) is out of bounds/],
    ["narrow: fractional", () => T.narrow(x, 1, 0.5, 1), /narrow: range \[0.5, 0.5\+1\) is out of bounds/],
    ["squeeze: not size 1", () => T.squeeze(x, 0), /squeeze: axis 0 of \[2,3\] has size 2, not 1/],
    ["concat: empty", () => T.concat([]), /concat: expected a non-empty array of tensors/],
    ["concat: not an array", () => T.concat(bad(x)), /concat: expected a non-empty array of tensors/],
    [
      "concat: shapes",
      () => T.concat([x, T.ones([2, 2])], 0),
      /concat: shapes \[2,3\], \[2,2\] differ outside axis 0/,
    ],
    [
      "concat: ranks",
      () => T.concat([x, T.ones([2, 3, 1])], 0),
      /concat: shapes \[2,3\], \[2,3,1\] differ outside axis 0/,
    ],
    [
      "concat: not a tensor",
      () => T.concat([x, bad(1)]),
      /concat: tensors\[1\] must be a Tensor, got number/,
    ],
    ["stack: empty", () => T.stack([]), /stack: expected a non-empty array of tensors/],
    [
      "stack: shapes",
      () => T.stack([x, T.ones([3, 2])]),
      /stack: all shapes must match, got \[2,3\], \[3,2\]/,
    ],
    ["split: sizes", () => T.split(x, [1, 1], 1), /split: sizes \[1,1\] sum to 2, but axis 1 has 3/],
    ["split: size 0", () => T.split(x, 0), /split: size must be a positive integer, got 0/],
    [
      "indexSelect: float indices",
      () => T.indexSelect(x, 0, T.tensor([0])),
      /indexSelect: indices must be int32, got float32/,
    ],
    [
      "indexSelect: index too large",
      () => T.indexSelect(x, 0, idx([0, 2])),
      /indexSelect: index 2 is out of range for an axis of size 2/,
    ],
    [
      "indexSelect: negative index",
      () => T.indexSelect(x, 1, idx([[-1]])),
      /indexSelect: index -1 is out of range for an axis of size 3/,
    ],
    [
      "indexSelect: indices not a tensor",
      () => T.indexSelect(x, 0, bad([0])),
      /indexSelect: indices must be a Tensor, got object/,
    ],
    [
      "indexAdd: src shape",
      () => T.indexAdd(x, 0, idx([0]), T.ones([2, 3])),
      /indexAdd: src must be float32 \[1,3\], got float32 \[2,3\]/,
    ],
    ["oneHot: n 0", () => T.oneHot(ints, 0), /oneHot: number of classes must be a positive integer, got 0/],
    [
      "oneHot: index >= n",
      () => T.oneHot(idx([3]), 3),
      /oneHot: index 3 is out of range for an axis of size 3/,
    ],
    ["oneHot: float indices", () => T.oneHot(T.tensor([1]), 3), /oneHot: indices must be int32, got float32/],
    [
      "item: several elements",
      () => x.item(),
      /^item: the tensor has 6 elements \(shape \[2,3\]\), expected 1$/,
    ],
    [
      "item: empty",
      () => T.item(T.zeros([0])),
      /item: the tensor has 0 elements \(shape \[0\]\), expected 1/,
    ],
    ["clamp: NaN bound", () => T.clamp(x, Number.NaN), /clamp: bounds must not be NaN/],
    [
      "max over an empty axis",
      () => T.max(T.zeros([0, 2]), 0),
      /max: cannot reduce an empty axis of a tensor of shape \[0,2\]/,
    ],
  ])("%s", (_, f, message) => throwsClear(f, message));
});

describe("non-tensor inputs name the op", () => {
  const ops: [string, (v: never) => unknown][] = [
    ["add", (v) => T.add(v, x)],
    ["add", (v) => T.add(x, v)],
    ["exp", (v) => T.exp(v)],
    ["relu", (v) => T.relu(v)],
    ["sum", (v) => T.sum(v)],
    ["argmax", (v) => T.argmax(v)],
    ["mean", (v) => T.mean(v)],
    ["var", (v) => T.variance(v)],
    ["softmax", (v) => T.softmax(v)],
    ["logSoftmax", (v) => T.logSoftmax(v)],
    ["logsumexp", (v) => T.logsumexp(v)],
    ["reshape", (v) => T.reshape(v, [1])],
    ["transpose", (v) => T.transpose(v)],
    ["squeeze", (v) => T.squeeze(v)],
    ["unsqueeze", (v) => T.unsqueeze(v, 0)],
    ["expand", (v) => T.expand(v, [1])],
    ["narrow", (v) => T.narrow(v, 0, 0, 1)],
    ["split", (v) => T.split(v, 1)],
    ["contiguous", (v) => T.contiguous(v)],
    ["detach", (v) => T.detach(v)],
    ["astype", (v) => T.astype(v, "float64")],
    ["clamp", (v) => T.clamp(v, 0, 1)],
    ["where", (v) => T.where(v, x, x)],
    ["indexSelect", (v) => T.indexSelect(v, 0, idx([0]))],
    ["mT", (v) => T.mT(v)],
    ["toArray", (v) => T.toArray(v)],
    ["toTypedArray", (v) => T.toTypedArray(v)],
    ["item", (v) => T.item(v)],
  ];
  it.each(ops)("%s", (op, f) => {
    throwsClear(() => f(bad(null)), new RegExp(`^${op}: (input|cond) must be a Tensor, got null`));
    throwsClear(() => f(bad([1, 2])), new RegExp(`^${op}: (input|cond) must be a Tensor, got object`));
  });
});

describe("gradient bookkeeping without autograd", () => {
  it("backward needs @nablajs/autograd; hooks need requiresGrad; computed tensors keep theirs", () => {
    const w = T.ones([2], { requiresGrad: true });
    throwsClear(() => T.sum(w).backward(), /backward: no autograd engine; import '@nablajs\/autograd'/);
    throwsClear(
      () => x.registerHook(() => undefined),
      /registerHook: the tensor does not require a gradient/,
    );
    throwsClear(() => {
      T.mul(w, 2).requiresGrad = false;
    }, /requiresGrad: cannot switch off a computed tensor's gradient; use detach\(\)/);
  });
});
