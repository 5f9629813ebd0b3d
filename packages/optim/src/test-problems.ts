// Problems shared by the LBFGS and HessianFree tests (not exported by the package).
import { crossEntropy } from "@nablajs/losses";
import { add, type DType, matmul, mul, narrow, square, sub, sum, type Tensor, tensor } from "@nablajs/tensor";
import { fromFixture } from "@nablajs/testing";
import type { LBFGS, LBFGSOptions } from "./lbfgs.js";

/** sum(100 (x[1:] - x[:-1]^2)^2 + (1 - x[:-1])^2), PyTorch's form. */
export function rosenbrock(x: Tensor): Tensor {
  const n = x.shape[0]!;
  const head = narrow(x, 0, 0, n - 1);
  const tail = narrow(x, 0, 1, n - 1);
  return sum(add(mul(square(sub(tail, square(head))), 100), square(sub(1, head))));
}

const camel: Record<string, keyof LBFGSOptions> = {
  lr: "lr",
  max_iter: "maxIter",
  max_eval: "maxEval",
  tolerance_grad: "toleranceGrad",
  tolerance_change: "toleranceChange",
  history_size: "historySize",
  line_search_fn: "lineSearchFn",
};

/** torch.optim.LBFGS's keyword arguments under nabla's names. */
export function lbfgsOptions(kwargs: Record<string, unknown>): Partial<LBFGSOptions> {
  return Object.fromEntries(Object.entries(kwargs).map(([k, v]) => [camel[k]!, v]));
}

export const leaf = (t: Tensor) => {
  t.requiresGrad = true;
  return t;
};

/** The parameters of a fixture case and the loss they define. */
export function problem(c: any, dtype: DType): { params: Tensor[]; loss: () => Tensor } {
  if (c.fn === "rosenbrock") {
    const x = leaf(fromFixture(c.x0, dtype));
    return { params: [x], loss: () => rosenbrock(x) };
  }
  if (c.fn === "least_squares") {
    const A = fromFixture(c.A, dtype);
    const b = fromFixture(c.b, dtype);
    const x = leaf(fromFixture(c.x0, dtype));
    // 0.5 sum((A x - b)^2) / m
    return { params: [x], loss: () => mul(sum(square(sub(matmul(A, x), b))), 0.5 / A.shape[0]!) };
  }
  const X = fromFixture(c.X, dtype);
  const y = tensor(c.y, { dtype: "int32" });
  const W = leaf(fromFixture(c.W0, dtype));
  const b = leaf(fromFixture(c.b0, dtype));
  const l2 = c.l2 as number;
  return { params: [W, b], loss: () => add(crossEntropy(add(matmul(X, W), b), y), mul(sum(square(W)), l2)) };
}

/** The closure torch.optim.LBFGS expects: zero the gradients, compute the loss, backward, return it. */
export function closureFor(opt: LBFGS, loss: () => Tensor): () => Tensor {
  return () => {
    opt.zeroGrad();
    const l = loss();
    l.backward();
    return l;
  };
}
