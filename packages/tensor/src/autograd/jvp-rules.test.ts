// Every primitive's tangent rule (forward mode) in float64: against central differences, against
// its reverse rule through <v, J u> = <J^T v, u>, and differentiated again (jvp of jvp), over
// scalars, size-1 axes, broadcasting pairs and transposed, narrowed and strided inputs and tangents.
import { describe, expect, it } from "vitest";
import * as T from "../node.js";
import { alias } from "../ops/view.js";
import type { Tensor } from "../tensor.js";
import { narrowed, strided, transposed } from "../test-utils.js";
import { checkJvp, type JvpCheckOptions } from "./jvp-check.js";

const f64 = { dtype: "float64" as const };
const gen = new T.Generator(2024);
const n = (...shape: number[]) => T.randn(shape, { ...f64, generator: gen });
/** Values in [0.5, 2.5): inside log's, sqrt's and pow's domain. */
const pos = (...shape: number[]) => T.add(T.mul(T.rand(shape, { ...f64, generator: gen }), 2), 0.5);
const idx = (values: number[], shape = [values.length]) => T.tensor(values, { dtype: "int32", shape });

/** How float inputs (and their tangents) are laid out in storage. */
const layouts: [string, (x: Tensor) => Tensor][] = [
  ["contiguous", (x) => x],
  ["transposed", transposed],
  ["narrowed", (x) => (x.ndim === 0 ? x : narrowed(x))],
  ["strided", (x) => (x.ndim === 0 ? x : strided(x))],
];

const constant = n(2, 1);

type Case = [string, (...xs: Tensor[]) => Tensor, () => Tensor[], JvpCheckOptions?];

const unary = (
  ["neg", "exp", "sin", "cos", "tanh", "sigmoid", "relu", "abs", "square", "sign"] as const
).flatMap((op): Case[] => [
  [`${op} [2,3]`, (x) => (T as any)[op](x), () => [n(2, 3)]],
  [`${op} []`, (x) => (T as any)[op](x), () => [n()]],
]);

const cases: Case[] = [
  ...unary,
  ["log [3,1]", T.log, () => [pos(3, 1)]],
  ["sqrt [2,3]", T.sqrt, () => [pos(2, 3)]],
  // binary ops over broadcasting pairs
  ["add [2,3]+[3]", T.add, () => [n(2, 3), n(3)]],
  ["add [3,1]+[1,4]", T.add, () => [n(3, 1), n(1, 4)]],
  ["sub []-[2,3]", T.sub, () => [n(), n(2, 3)]],
  ["sub [2,1,3]-[4,1]", T.sub, () => [n(2, 1, 3), n(4, 1)]],
  ["mul [2,3]*[2,3]", T.mul, () => [n(2, 3), n(2, 3)]],
  ["mul [3,1]*[3]", T.mul, () => [n(3, 1), n(3)]],
  ["div [2,3]/[3]", T.div, () => [n(2, 3), pos(3)]],
  ["div []/[2,2]", T.div, () => [n(), pos(2, 2)]],
  ["pow [2,3]^[2,3]", T.pow, () => [pos(2, 3), n(2, 3)]],
  ["pow [3,1]^[]", T.pow, () => [pos(3, 1), n()]],
  ["pow by a number", (x) => T.pow(x, 3), () => [n(2, 3)]],
  ["maximum [2,3],[3]", T.maximum, () => [n(2, 3), n(3)]],
  ["minimum [3,1],[1,2]", T.minimum, () => [n(3, 1), n(1, 2)]],
  ["add with a number", (x) => T.add(2, x), () => [n(2, 3)]],
  // the rest of the primitives
  ["clamp", (x) => T.clamp(x, -0.5, 0.7), () => [n(3, 4)]],
  ["clamp below only", (x) => T.clamp(x, 0), () => [n(2, 3)]],
  // float32 in the middle: differences need a larger step, the transpose identity float32's digits
  [
    "astype float64 -> float32 -> float64",
    (x) => T.astype(T.mul(T.astype(x, "float32"), 3), "float64"),
    () => [n(2, 3)],
    { eps: 1e-2, tol: 1e-4, identityTol: 1e-6 },
  ],
  [
    "where [2,3] of [2,3],[3]",
    (c, a, b) => T.where(c!, a!, b!),
    () => [idx([1, 0, 1, 0, 0, 1], [2, 3]), n(2, 3), n(3)],
  ],
  ["where of a tensor and a number", (c, a) => T.where(c!, 0.5, a!), () => [idx([1, 0, 0], [3, 1]), n(1, 2)]],
  ["matmul [2,3]@[3,4]", T.matmul, () => [n(2, 3), n(3, 4)]],
  ["matmul [3]@[3,2]", T.matmul, () => [n(3), n(3, 2)]],
  ["matmul [2,3]@[3]", T.matmul, () => [n(2, 3), n(3)]],
  ["matmul [3]@[3]", T.matmul, () => [n(3), n(3)]],
  ["matmul batch [2,1,2,3]@[3,3,2]", T.matmul, () => [n(2, 1, 2, 3), n(3, 3, 2)]],
  ["mT", T.mT, () => [n(2, 3, 4)]],
  // reductions
  ["sum all", (x) => T.sum(x), () => [n(2, 3)]],
  ["sum axes [0,2] keepdims", (x) => T.sum(x, [0, 2], true), () => [n(2, 3, 2)]],
  ["sum of a scalar", (x) => T.sum(x), () => [n()]],
  ["max axis 1", (x) => T.max(x, 1), () => [n(3, 4)]],
  ["min all keepdims", (x) => T.min(x, undefined, true), () => [n(2, 3)]],
  ["mean axis -1", (x) => T.mean(x, -1), () => [n(2, 3)]],
  ["variance axis 0", (x) => T.variance(x, 0), () => [n(4, 3)]],
  ["logsumexp axis 1", (x) => T.logsumexp(x, 1), () => [n(2, 3)]],
  ["softmax", (x) => T.softmax(x, -1), () => [n(2, 3)]],
  ["logSoftmax axis 0", (x) => T.logSoftmax(x, 0), () => [n(3, 2)]],
  // views: the tangent goes through the same view
  ["reshape", (x) => T.reshape(x, [3, 2]), () => [n(2, 3)]],
  ["reshape to a scalar", (x) => T.reshape(x, []), () => [n(1, 1)]],
  ["transpose", (x) => T.transpose(x, [2, 0, 1]), () => [n(2, 3, 2)]],
  ["expand [3,1] to [2,3,4]", (x) => T.expand(x, [2, 3, 4]), () => [n(3, 1)]],
  ["narrow", (x) => T.narrow(x, 1, 1, 2), () => [n(2, 4)]],
  ["squeeze", (x) => T.squeeze(x, 1), () => [n(3, 1)]],
  ["unsqueeze", (x) => T.unsqueeze(x, 0), () => [n(2, 3)]],
  ["contiguous", T.contiguous, () => [n(2, 3)]],
  ["alias", alias, () => [n(2, 3)]],
  ["concat with a constant", (a, b) => T.concat([a!, constant, b!], 1), () => [n(2, 3), n(2, 2)]],
  ["stack", (a, b) => T.stack([a!, b!], 1), () => [n(2, 3), n(2, 3)]],
  ["split and concat back", (x) => T.concat(T.split(x, 2, 1).reverse(), 1), () => [n(2, 5)]],
  // gathers (int32 indices have no tangent)
  [
    "indexSelect, repeated indices",
    (x, i) => T.indexSelect(x!, 0, i!),
    () => [n(3, 2), idx([2, 0, 2, 1], [2, 2])],
  ],
  ["indexAdd", (b, i, s) => T.indexAdd(b!, 1, i!, s!), () => [n(2, 3), idx([2, 0, 2]), n(2, 3)]],
  [
    "takeAlongAxis, broadcast",
    (x, i) => T.takeAlongAxis(x!, i!, 1),
    () => [n(1, 3, 2), idx([0, 2, 2, 1, 0, 0], [3, 2, 1])],
  ],
];

describe.each(layouts)("tangent rules, %s inputs and tangents", (_, layout) => {
  it.each(cases)("%s", (_name, f, make, opts) => {
    const xs = make().map((x) => (x.dtype === "float64" ? layout(x) : x));
    expect(checkJvp(f, xs, { layout, ...opts })).toBeLessThan(1e-4);
  });
});

describe("tangent rules through the machinery", () => {
  it("a lone tangent of a broadcast input is expanded to the output's shape", () => {
    const [a, b] = [n(3, 1), n(1, 4)];
    const da = n(3, 1);
    const t = T.pushforward((x, y) => [T.add(x!, y!)], [a, b], [[da, null]]).tangents[0]![0]!;
    expect(t.shape).toEqual([3, 4]);
    expect(t.toArray()).toEqual(T.expand(da, [3, 4]).toArray());
  });

  it("an op whose output does not depend on the perturbed input has no tangent", () => {
    const [a, b] = [n(2), n(2)];
    const r = T.pushforward((x, y) => [T.mul(y!, 2), T.sign(x!)], [a, b], [[n(2), null]]);
    expect(r.tangents[0]).toEqual([null, null]);
  });
});
