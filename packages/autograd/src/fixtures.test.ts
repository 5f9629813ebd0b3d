import type { Tensor } from "@nablajs/tensor";
import * as T from "@nablajs/tensor";
import { allClose, fromFixture, loadFixture, tolerances } from "@nablajs/testing";
import { describe, expect, it } from "vitest";
import { gradients, hessian, hvp, valueAndGrad } from "./index.js";

type Kw = Record<string, any> | null;

/** Calls a nabla op the way the PyTorch fixture describes it. */
function callOp(op: string, args: Tensor[], kw: Kw): Tensor {
  const k = kw ?? {};
  switch (op) {
    case "pow":
      return T.pow(args[0]!, k.exponent);
    case "clamp":
      return T.clamp(args[0]!, k.min, k.max);
    case "sum":
    case "mean":
    case "max":
    case "logsumexp":
      return (T as any)[op](args[0], k.axis, k.keepdims ?? false);
    case "softmax":
    case "logSoftmax":
      return (T as any)[op](args[0], k.axis);
    case "transpose":
      return T.transpose(args[0]!, k.axes);
    case "reshape":
      return T.reshape(args[0]!, k.shape);
    case "concat":
    case "stack":
      return (T as any)[op](args, k.axis);
    case "indexSelect":
      return T.indexSelect(args[0]!, k.axis ?? 0, args[1]!);
    default:
      return (T as any)[op](...args);
  }
}

const cases = loadFixture("ops").cases;

describe.each(["float64", "float32"] as const)("ops.json against PyTorch in %s", (dtype) => {
  it.each(cases.map((c: any, i: number) => [`${c.name ?? c.op} #${i}`, c]))("%s", (_, c: any) => {
    const args = c.args.map((a: any) => {
      const t = fromFixture(a, dtype);
      if (t.dtype !== "int32" && c.op !== "where") t.requiresGrad = true;
      return t;
    });
    if (c.op === "where") {
      args[0] = fromFixture(c.args[0], dtype).ne(0);
      args[1].requiresGrad = true;
      args[2].requiresGrad = true;
    }
    const out = callOp(c.op, args, c.kwargs);
    const tol = tolerances(dtype);
    const r = allClose(out, fromFixture(c.out), tol);
    expect(r.pass, r.message).toBe(true);
    const wrt = args.filter((a: Tensor) => a.requiresGrad);
    const gs = gradients([out], wrt, [fromFixture(c.cotangent, dtype)]);
    let w = 0;
    c.grads.forEach((g: any, i: number) => {
      if (g === null || !args[i].requiresGrad) return;
      const rg = allClose(gs[w++]!, fromFixture(g), tol);
      expect(rg.pass, `grad of input ${i}: ${rg.message}`).toBe(true);
    });
  });
});

describe("second_order.json against PyTorch", () => {
  const so = loadFixture("second_order").cases.filter((c: any) => c.name !== "newton_convex");
  const fns: Record<string, (c: any) => (x: Tensor) => Tensor> = {
    rosenbrock: () => (x) => {
      const a = T.narrow(x, 0, 0, x.shape[0]! - 1);
      const b = T.narrow(x, 0, 1, x.shape[0]! - 1);
      return T.sum(T.add(T.mul(T.square(T.sub(b, T.square(a))), 100), T.square(T.sub(1, a))));
    },
    logsumexp_tanh: (c) => {
      const A = fromFixture(c.A);
      return (x) => T.add(T.logsumexp(T.matmul(A, T.tanh(x))), T.mul(T.sum(T.square(x)), 0.1));
    },
  };
  it.each(so.map((c: any) => [c.name, c]))(
    "%s: value, gradient, Hessian and Hessian-vector product",
    (_, c: any) => {
      const f = fns[c.name]!(c);
      const x = fromFixture(c.x);
      const tol = { rtol: 1e-9, atol: 1e-10 };
      const [value, g] = valueAndGrad(f)(x) as [Tensor, Tensor];
      expect(value.item()).toBeCloseTo(c.value, 12);
      expect(allClose(g, fromFixture(c.grad), tol).message).toMatch(/^all/);
      expect(allClose(hessian(f)(x), fromFixture(c.hessian), tol).message).toMatch(/^all/);
      expect(allClose(hvp(f, x, fromFixture(c.v)), fromFixture(c.hvp), tol).message).toMatch(/^all/);
    },
  );
});
