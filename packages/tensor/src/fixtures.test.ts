// Forward values of every op in the PyTorch ops.json fixtures (PyTorch 1.13, float64), checked
// here without autograd, in float32 and float64, on contiguous and on transposed-layout inputs.
import { describe, expect, it } from "vitest";
import {
  allClose,
  type FixtureTensor,
  fromFixture,
  loadFixture,
  tolerances,
} from "../../../tooling/testing/src/index.js";
import type { DType } from "./dtype.js";
import * as T from "./node.js";
import type { Tensor } from "./tensor.js";
import { transposed } from "./test-utils.js";

interface OpCase {
  name: string;
  op: string;
  args: FixtureTensor[];
  kwargs: Record<string, any> | null;
  out: FixtureTensor;
}

/** Calls a nabla op the way the fixture describes the PyTorch call. */
function callOp(op: string, args: Tensor[], kw: Record<string, any> | null): Tensor {
  const k = kw ?? {};
  const [x, y] = args as [Tensor, Tensor];
  switch (op) {
    case "pow":
      return T.pow(x, k.exponent);
    case "clamp":
      return T.clamp(x, k.min, k.max);
    case "sum":
    case "mean":
    case "max":
    case "logsumexp":
      return (T as any)[op](x, k.axis, k.keepdims ?? false);
    case "softmax":
    case "logSoftmax":
      return (T as any)[op](x, k.axis);
    case "transpose":
      return T.transpose(x, k.axes);
    case "reshape":
      return T.reshape(x, k.shape);
    case "concat":
    case "stack":
      return (T as any)[op](args, k.axis);
    case "indexSelect":
      return T.indexSelect(x, k.axis ?? 0, y);
    case "where":
      return T.where(x, y, args[2]!);
    default:
      return (T as any)[op](...args);
  }
}

/** The same values stored column-major: a transposed (non-contiguous) view of other storage. */
function transposedLayout(t: Tensor): Tensor {
  if (t.ndim < 2) return t;
  const view = transposed(t);
  expect(view.isContiguous).toBe(false);
  return view;
}

const cases = loadFixture<OpCase>("ops").cases;

describe.each(["float64", "float32"] as const)("ops.json forward values in %s", (dtype: DType) => {
  const tol = tolerances(dtype);
  it.each(cases.map((c) => [c.name, c] as const))("%s", (_, c) => {
    const args = c.args.map((a) => fromFixture(a, dtype));
    const expected = fromFixture(c.out);
    const out = callOp(c.op, args, c.kwargs);
    expect(out.dtype).toBe(dtype);
    const r = allClose(out, expected, tol);
    expect(r.pass, r.message).toBe(true);
    const strided = callOp(c.op, args.map(transposedLayout), c.kwargs);
    const rs = allClose(strided, expected, tol);
    expect(rs.pass, `transposed inputs: ${rs.message}`).toBe(true);
  });
});

describe("ops.json through the Tensor methods", () => {
  const methodOps = cases.filter((c) => c.args.length <= 2 && !["concat", "stack", "where"].includes(c.op));
  it.each(methodOps.map((c) => [c.name, c] as const))("%s", (_, c) => {
    const [x, ...rest] = c.args.map((a) => fromFixture(a));
    const k = c.kwargs ?? {};
    let extra: unknown[] = rest;
    if (c.op === "pow") extra = [k.exponent];
    else if (c.op === "clamp") extra = [k.min, k.max];
    else if (["sum", "mean", "max", "logsumexp"].includes(c.op)) extra = [k.axis, k.keepdims ?? false];
    else if (["softmax", "logSoftmax"].includes(c.op)) extra = [k.axis];
    else if (c.op === "transpose") extra = [k.axes];
    else if (c.op === "reshape") extra = [k.shape];
    else if (c.op === "indexSelect") extra = [k.axis ?? 0, rest[0]];
    const out = (x as any)[c.op](...extra) as Tensor;
    const r = allClose(out, fromFixture(c.out), tolerances("float64"));
    expect(r.pass, r.message).toBe(true);
  });
});
