import { describe, expect, it } from "vitest";
import * as T from "./node.js";

// Functions that are not ops on one tensor: creation, randomness, backends, grad mode, shape helpers.
const notMethods = new Set([
  ...["tensor", "zeros", "ones", "full", "arange", "linspace", "eye", "zerosLike", "onesLike"],
  ...["randn", "rand", "randint", "randperm", "manualSeed", "Generator", "Tensor", "record", "primitive"],
  ...["getBackend", "setBackend", "createWasmBackend", "allocate", "isFloat", "formatTensor"],
  ...["enableGrad", "noGrad", "isGradEnabled", "broadcastShapes", "shapeStr", "sizeOf"],
  // the chain rule's entry points (backward and retainGrad are methods too)
  ...["gradients", "runBackward", "sumToShape", "customGrad", "detectAnomaly", "multiPrimitive"],
  ...["reachesLeaf", "contiguousData", "checkIndices", "backendStatus", "setNumThreads", "getNumThreads"],
  ...["recordMulti"],
  // forward mode's entry points
  ...["pushforward", "copyTangents", "MissingJvpError"],
  // scalar float32 math for kernels
  ...["expf", "tanhf", "sigmoidf"],
  // these take a list of tensors (a decision recorded in the README)
  ...["concat", "stack"],
]);

describe("Tensor methods", () => {
  it("every op exported as a function is also a method", () => {
    const ops = Object.entries(T).filter(([k, f]) => typeof f === "function" && !notMethods.has(k));
    expect(ops.length).toBeGreaterThan(50);
    const missing = ops.map(([k]) => k).filter((k) => typeof (T.Tensor.prototype as any)[k] !== "function");
    expect(missing).toEqual([]);
  });

  it("x.op(...args) is op(x, ...args)", () => {
    const x = T.tensor([
      [1, -2, 3],
      [4, 5, -6],
    ]);
    const y = T.tensor([0.5, 1, 2]);
    const same = (a: T.Tensor, b: T.Tensor) => {
      expect(a.shape).toEqual(b.shape);
      expect(a.dtype).toBe(b.dtype);
      expect(Array.from(a.toTypedArray())).toEqual(Array.from(b.toTypedArray()));
    };
    same(x.add(y), T.add(x, y));
    same(x.sub(1), T.sub(x, 1));
    same(x.pow(2), T.pow(x, 2));
    same(x.le(y), T.le(x, y));
    same(x.abs().sqrt(), T.sqrt(T.abs(x)));
    same(x.clamp(-1, 1), T.clamp(x, -1, 1));
    same(x.var(1, true, 0), T.variance(x, 1, true, 0));
    same(x.variance(0), T.variance(x, 0));
    same(x.logsumexp(0), T.logsumexp(x, 0));
    same(x.matmul(y), T.matmul(x, y));
    same(x.mT(), T.mT(x));
    same(x.flatten(), T.flatten(x));
    same(x.topk(2).values, T.topk(x, 2).values);
    same(x.topk(1, 0).indices, T.topk(x, 1, 0).indices);
    const ids = T.tensor([2, 0], { dtype: "int32" });
    same(ids.oneHot(3), T.oneHot(ids, 3));
    same(x.indexAdd(1, ids, T.ones([2, 2])), T.indexAdd(x, 1, ids, T.ones([2, 2])));
    const p = T.tensor([0.2, 0.8]);
    same(
      p.multinomial(5, { replacement: true, generator: new T.Generator(1) }),
      T.multinomial(p, 5, { replacement: true, generator: new T.Generator(1) }),
    );
    expect(x.toString()).toBe(T.formatTensor(x));
  });

  it("x.where(cond, other) is where(cond, x, other), as torch.Tensor.where", () => {
    const x = T.tensor([1, 2, 3], { requiresGrad: true });
    const cond = T.tensor([1, 0, 2], { dtype: "int32" });
    const out = x.where(cond, T.tensor([10, 20, 30]));
    // torch.tensor([1., 2., 3.]).where(torch.tensor([1, 0, 2]) != 0, torch.tensor([10., 20., 30.]))
    expect(out.toArray()).toEqual([1, 20, 3]);
    expect(x.where(cond, 0).toArray()).toEqual([1, 0, 3]);
    expect(out.gradFn?.prim.name).toBe("where");
    expect(() => x.where(cond, T.ones([2]))).toThrow(/where: shapes \[3\] and \[2\] do not broadcast/);
  });
});
