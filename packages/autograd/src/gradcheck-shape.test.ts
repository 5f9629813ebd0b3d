import type { Tensor } from "@nablajs/tensor";
import * as T from "@nablajs/tensor";
import { describe, expect, it } from "vitest";
import { checkBoth, inputs } from "./test-helpers.js";

type Case = [name: string, f: (...xs: Tensor[]) => Tensor, make: () => Tensor[]];

const r = inputs(37);

describe("gradcheck and gradgradcheck: matmul", () => {
  const cases: Case[] = [
    ["2-D [3,4] @ [4,2]", T.matmul, () => [r.normal([3, 4]), r.normal([4, 2])]],
    ["2-D transposed operands", T.matmul, () => [r.transposed(3, 4), r.transposed(4, 2)]],
    ["2-D narrowed operand", T.matmul, () => [r.narrowed(3, 4), r.normal([4, 2])]],
    ["batched [2,3,4] @ [2,4,2]", T.matmul, () => [r.normal([2, 3, 4]), r.normal([2, 4, 2])]],
    ["broadcast batch [2,1,2,3] @ [3,3,2]", T.matmul, () => [r.normal([2, 1, 2, 3]), r.normal([3, 3, 2])]],
    ["broadcast batch [2,3] @ [2,3,2]", T.matmul, () => [r.normal([2, 3]), r.normal([2, 3, 2])]],
    ["1-D @ 2-D", T.matmul, () => [r.normal([4]), r.normal([4, 3])]],
    ["2-D @ 1-D", T.matmul, () => [r.normal([3, 4]), r.normal([4])]],
    ["1-D @ 1-D (dot)", T.matmul, () => [r.normal([4]), r.normal([4])]],
    ["1-D @ batched", T.matmul, () => [r.normal([3]), r.normal([2, 3, 2])]],
    ["batched @ 1-D", T.matmul, () => [r.normal([2, 2, 3]), r.normal([3])]],
    ["size-1 axes [1,3] @ [3,1]", T.matmul, () => [r.normal([1, 3]), r.normal([3, 1])]],
    ["mT inside: x @ x^T", (x) => T.matmul(x, T.mT(x)), () => [r.normal([2, 3])]],
  ];
  it.each(cases)("%s", (_, f, make) => {
    expect(checkBoth(f, make())).toBe(true);
  });
});

describe("gradcheck and gradgradcheck: views", () => {
  // Each view is followed by a nonlinearity so the second-order check has something to test.
  const s = (t: Tensor) => T.sin(t);
  const cases: Case[] = [
    ["reshape [2,3] -> [3,2]", (x) => s(T.reshape(x, [3, 2])), () => [r.normal([2, 3])]],
    ["reshape with -1", (x) => s(T.reshape(x, [-1])), () => [r.normal([2, 3])]],
    ["reshape of a transposed view", (x) => s(T.reshape(x, [6])), () => [r.transposed(2, 3)]],
    ["reshape [] -> [1,1]", (x) => s(T.reshape(x, [1, 1])), () => [r.normal([])]],
    ["transpose 2-D", (x) => s(T.transpose(x)), () => [r.normal([2, 3])]],
    ["transpose 3-D [2,0,1]", (x) => s(T.transpose(x, [2, 0, 1])), () => [r.normal([2, 3, 2])]],
    ["transpose of a narrowed view", (x) => s(T.transpose(x)), () => [r.narrowed(2, 3)]],
    ["squeeze all", (x) => s(T.squeeze(x)), () => [r.normal([1, 3, 1])]],
    ["squeeze axis", (x) => s(T.squeeze(x, 0)), () => [r.normal([1, 3])]],
    ["unsqueeze", (x) => s(T.unsqueeze(x, 1)), () => [r.normal([2, 3])]],
    ["unsqueeze of a transposed view", (x) => s(T.unsqueeze(x, -1)), () => [r.transposed(2, 3)]],
    ["expand [3,1] -> [2,3,4]", (x) => s(T.expand(x, [2, 3, 4])), () => [r.normal([3, 1])]],
    ["expand [] -> [2,2]", (x) => s(T.expand(x, [2, 2])), () => [r.normal([])]],
    ["expand with -1", (x) => s(T.expand(x, [2, -1])), () => [r.normal([1, 3])]],
    ["narrow axis 1", (x) => s(T.narrow(x, 1, 1, 2)), () => [r.normal([2, 4])]],
    ["narrow of a transposed view", (x) => s(T.narrow(x, 0, 1, 2)), () => [r.transposed(3, 2)]],
    ["narrow with a negative start", (x) => s(T.narrow(x, 0, -2, 2)), () => [r.normal([4])]],
    ["contiguous of a transposed view", (x) => s(T.contiguous(x)), () => [r.transposed(2, 3)]],
    ["flatten", (x) => s(T.flatten(x)), () => [r.narrowed(2, 2)]],
  ];
  it.each(cases)("%s", (_, f, make) => {
    expect(checkBoth(f, make())).toBe(true);
  });
});

describe("gradcheck and gradgradcheck: joining and splitting", () => {
  const cases: Case[] = [
    ["concat axis 0", (a, b) => T.sin(T.concat([a!, b!], 0)), () => [r.normal([2, 3]), r.normal([1, 3])]],
    [
      "concat axis 1, non-contiguous",
      (a, b) => T.sin(T.concat([a!, b!], 1)),
      () => [r.transposed(2, 3), r.narrowed(2, 2)],
    ],
    ["concat a tensor with itself", (a) => T.square(T.concat([a!, a!], 0)), () => [r.normal([3])]],
    ["stack axis 0", (a, b) => T.sin(T.stack([a!, b!])), () => [r.normal([2, 3]), r.normal([2, 3])]],
    [
      "stack axis -1 of scalars",
      (a, b, c) => T.sin(T.stack([a!, b!, c!], -1)),
      () => [r.normal([]), r.normal([]), r.normal([])],
    ],
    [
      "stack of transposed views",
      (a, b) => T.square(T.stack([a!, b!], 1)),
      () => [r.transposed(2, 3), r.transposed(2, 3)],
    ],
  ];
  it.each(cases)("%s", (_, f, make) => {
    expect(checkBoth(f, make())).toBe(true);
  });

  it("split into chunks and into given sizes, pieces combined nonlinearly", () => {
    const f = (x: Tensor) => {
      const [a, b, c] = T.split(x, 2, 1);
      const [p, q] = T.split(x, [1, 2], 0);
      const pieces = [T.mul(a!, T.sin(b!)), T.square(c!), T.mul(T.sum(p!), q!)];
      return T.concat(pieces.map((t) => T.reshape(t, [-1])));
    };
    expect(checkBoth(f, [r.normal([3, 6])])).toBe(true);
  });
});

describe("gradcheck and gradgradcheck: indexSelect and indexAdd", () => {
  const idx = T.tensor([2, 0, 2, 1], { dtype: "int32" });
  it("indexSelect along axis 0 with a repeated index", () => {
    const f = (x: Tensor, i: Tensor) => T.square(T.indexSelect(x, 0, i));
    expect(checkBoth(f, [r.normal([3, 2]), idx])).toBe(true);
  });
  it("indexSelect along axis 1 of a transposed view with [2,2] indices", () => {
    const f = (x: Tensor, i: Tensor) => T.sin(T.indexSelect(x, 1, i));
    expect(checkBoth(f, [r.transposed(2, 3), T.reshape(idx, [2, 2])])).toBe(true);
  });
  it("indexAdd with repeated indices, both base and src", () => {
    const f = (base: Tensor, i: Tensor, src: Tensor) => T.square(T.indexAdd(base, 0, i, src));
    expect(checkBoth(f, [r.normal([3, 2]), idx, r.normal([4, 2])])).toBe(true);
  });
  it("indexAdd along axis 1 with a narrowed src", () => {
    const f = (base: Tensor, i: Tensor, src: Tensor) => T.sin(T.indexAdd(base, 1, i, src));
    expect(checkBoth(f, [r.normal([2, 3]), idx, r.narrowed(2, 4)])).toBe(true);
  });
});
