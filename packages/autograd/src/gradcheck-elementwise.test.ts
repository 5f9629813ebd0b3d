import type { Tensor } from "@nablajs/tensor";
import * as T from "@nablajs/tensor";
import { describe, expect, it } from "vitest";
import { checkBoth, inputs } from "./test-helpers.js";

type Case = [name: string, f: (...xs: Tensor[]) => Tensor, make: () => Tensor[]];

const r = inputs(11);

// Unary ops over a scalar, a size-1 axis, a plain matrix and two non-contiguous views.
const unary: [string, (x: Tensor) => Tensor, (shape: number[]) => Tensor][] = [
  ["neg", T.neg, r.normal],
  ["exp", T.exp, r.normal],
  ["log", T.log, (s) => r.uniform(s, 0.5, 2)],
  ["sin", T.sin, r.normal],
  ["cos", T.cos, r.normal],
  ["tanh", T.tanh, r.normal],
  ["sigmoid", T.sigmoid, r.normal],
  ["relu", T.relu, (s) => r.awayFromZero(s)],
  ["sqrt", T.sqrt, (s) => r.uniform(s, 0.5, 2)],
  ["abs", T.abs, (s) => r.awayFromZero(s)],
  ["square", T.square, r.normal],
  ["clamp(-0.5, 0.7)", (x) => T.clamp(x, -0.5, 0.7), r.normal],
  ["clamp(min only)", (x) => T.clamp(x, -0.3), r.normal],
  ["pow(x, 3)", (x) => T.pow(x, 3), r.normal],
  ["pow(x, 0.5)", (x) => T.pow(x, 0.5), (s) => r.uniform(s, 0.5, 2)],
  ["pow(x, -1.5)", (x) => T.pow(x, -1.5), (s) => r.uniform(s, 0.5, 2)],
  ["astype float64", (x) => T.astype(x, "float64"), r.normal],
];

/** Transposes / narrows a fresh input made by `make`, so the op sees strided data. */
function views(make: (shape: number[]) => Tensor): [string, () => Tensor][] {
  return [
    ["[]", () => make([])],
    ["[1,3]", () => make([1, 3])],
    ["[2,3]", () => make([2, 3])],
    ["transposed [3,2]", () => T.transpose(make([2, 3]))],
    ["narrowed [2,2]", () => T.narrow(make([2, 4]), 1, 1, 2)],
  ];
}

// Clamp bounds must stay away from the data by more than eps: the seeded data does.
describe("gradcheck and gradgradcheck: unary ops", () => {
  const cases: Case[] = unary.flatMap(([name, f, make]) =>
    views(make).map(([v, mk]): Case => [`${name} ${v}`, f, () => [mk()]]),
  );
  it.each(cases)("%s", (_, f, make) => {
    expect(checkBoth(f, make())).toBe(true);
  });
});

// Binary ops over broadcasting pairs: scalar with matrix, row with column, vector with batch.
const pairs: [string, number[], number[]][] = [
  ["[2,3] & [2,3]", [2, 3], [2, 3]],
  ["[] & [2,3]", [], [2, 3]],
  ["[3,1] & [1,4]", [3, 1], [1, 4]],
  ["[4] & [2,3,4]", [4], [2, 3, 4]],
  ["[2,1,3] & [2,3]", [2, 1, 3], [2, 3]],
];
const pos = (s: number[]) => r.uniform(s, 0.5, 2);
const binary: [string, (a: Tensor, b: Tensor) => Tensor, (s: number[]) => Tensor, (s: number[]) => Tensor][] =
  [
    ["add", T.add, r.normal, r.normal],
    ["sub", T.sub, r.normal, r.normal],
    ["mul", T.mul, r.normal, r.normal],
    ["div", T.div, r.normal, pos],
    ["pow", T.pow, pos, r.normal],
    ["maximum", T.maximum, r.normal, r.normal],
    ["minimum", T.minimum, r.normal, r.normal],
  ];

describe("gradcheck and gradgradcheck: binary ops with broadcasting", () => {
  const cases: Case[] = binary.flatMap(([name, f, ma, mb]) =>
    pairs.flatMap(([p, sa, sb]): Case[] => [
      [`${name} ${p}`, f, () => [ma(sa), mb(sb)]],
      [`${name} ${p} (swapped)`, f, () => [ma(sb), mb(sa)]],
    ]),
  );
  it.each(cases)("%s", (_, f, make) => {
    expect(checkBoth(f, make())).toBe(true);
  });

  it.each(binary)("%s over non-contiguous views (transposed and narrowed)", (_, f, ma, mb) => {
    const a = T.transpose(ma([3, 2]));
    const b = T.narrow(mb([2, 5]), 1, 2, 3);
    expect(checkBoth(f, [a, b])).toBe(true);
  });

  it.each([
    ["add", (x: Tensor) => T.add(x, 2)],
    ["sub (number first)", (x: Tensor) => T.sub(2, x)],
    ["mul", (x: Tensor) => T.mul(x, -3)],
    ["div (number over tensor)", (x: Tensor) => T.div(1.5, x)],
    ["pow (number base)", (x: Tensor) => T.pow(2, x)],
  ] as const)("%s with a number operand", (_, f) => {
    expect(checkBoth(f, [r.uniform([2, 3], 0.5, 2)])).toBe(true);
  });

  it("a value used on both sides: mul(x, x), div(x, x + 3)", () => {
    expect(checkBoth((x) => T.mul(x, x), [r.normal([3])])).toBe(true);
    expect(checkBoth((x) => T.div(x, T.add(x, 3)), [r.uniform([3], 0.5, 2)])).toBe(true);
  });
});

describe("gradcheck and gradgradcheck: where", () => {
  it.each([
    ["same shapes", [2, 3], [2, 3], [2, 3]],
    ["broadcast condition [3] and scalar b", [3], [2, 3], []],
    ["column a and row b", [2, 3], [2, 1], [1, 3]],
  ] as const)("%s", (_, sc, sa, sb) => {
    const cond = T.gt(r.normal([...sc]), 0);
    const f = (c: Tensor, a: Tensor, b: Tensor) => T.where(c, T.sin(a), T.square(b));
    expect(checkBoth(f, [cond, r.normal([...sa]), r.normal([...sb])])).toBe(true);
  });
});

describe("gradcheck: astype between float32 and float64", () => {
  // float32 rounding needs a larger step: the derivative is checked to about 1e-3.
  const tol = { eps: 1e-3, atol: 1e-3, rtol: 1e-2 };
  it("float64 -> float32 -> float64 is the identity's gradient", () => {
    const f = (x: Tensor) => T.astype(T.astype(x, "float32"), "float64");
    expect(checkBoth(f, [r.normal([2, 3])], { ...tol, second: false })).toBe(true);
  });
  it("a float32 computation inside a float64 function", () => {
    const f = (x: Tensor) => T.astype(T.tanh(T.astype(x, "float32")), "float64");
    expect(checkBoth(f, [r.normal([4])], tol)).toBe(true);
  });
  it("the gradient reaching a float32 input is float32", () => {
    const x = T.tensor([0.5, -1], { requiresGrad: true });
    T.sum(T.exp(T.astype(x, "float64"))).backward();
    expect(x.grad?.dtype).toBe("float32");
  });
});
