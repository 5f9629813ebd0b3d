// Bad input to ops (matmul, broadcasting, axes, dtypes) gets a clear error at the call that
// caused it, naming the op, the shapes or dtypes, and what was expected.
import { describe, it } from "vitest";
import * as T from "./node.js";
import { throwsClear } from "./test-utils.js";

const x = T.ones([2, 3]);
const x64 = T.ones([2, 3], { dtype: "float64" });
const ints = T.ones([2], { dtype: "int32" });
const idx = (v: T.NestedArray) => T.tensor(v, { dtype: "int32" });
const bad = (v: unknown) => v as never;

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
