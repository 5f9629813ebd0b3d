// Bad input to views, indexing and gradient bookkeeping gets a clear error naming the op, the
// shapes and what was expected; a non-tensor input is named, never a TypeError from deep inside.
import { describe, it } from "vitest";
import * as T from "./node.js";
import { throwsClear } from "./test-utils.js";

const x = T.ones([2, 3]);
const ints = T.ones([2], { dtype: "int32" });
const idx = (v: T.NestedArray) => T.tensor(v, { dtype: "int32" });
const bad = (v: unknown) => v as never;

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

describe("gradient bookkeeping", () => {
  it("backward of a tensor without a gradient; hooks need requiresGrad; computed tensors keep theirs", () => {
    const w = T.ones([2], { requiresGrad: true });
    throwsClear(() => T.sum(x).backward(), /backward: the tensor does not require a gradient/);
    throwsClear(
      () => x.registerHook(() => undefined),
      /registerHook: the tensor does not require a gradient/,
    );
    throwsClear(() => {
      T.mul(w, 2).requiresGrad = false;
    }, /requiresGrad: cannot switch off a computed tensor's gradient; use detach\(\)/);
  });
});
