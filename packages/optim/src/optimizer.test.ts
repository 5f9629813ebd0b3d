import {
  Generator,
  matmul,
  mul,
  randn,
  reshape,
  sub,
  sum,
  type Tensor,
  tensor,
  transpose,
  zeros,
} from "@nablajs/tensor";
import { describe, expect, it } from "vitest";
import { Adagrad, Adam, AdamW, type Optimizer, RMSprop, SGD } from "./index.js";

const f64 = { dtype: "float64" as const };

/** f(x) = 0.5 x^T A x - b^T x for SPD A: minimised where A x = b. */
function quadratic(seed: number) {
  const gen = new Generator(seed);
  const M = randn([3, 3], { ...f64, generator: gen });
  const A = matmul(M, transpose(M)).add(
    tensor(
      [
        [1, 0, 0],
        [0, 1, 0],
        [0, 0, 1],
      ],
      f64,
    ),
  );
  const b = randn([3, 1], { ...f64, generator: gen });
  const f = (x: Tensor) => {
    const col = reshape(x, [3, 1]);
    return sub(mul(sum(mul(col, matmul(A, col))), 0.5), sum(mul(b, col)));
  };
  const residual = (x: Tensor) =>
    Math.max(...Array.from(sub(matmul(A, reshape(x, [3, 1])), b).toTypedArray(), Math.abs));
  return { f, residual };
}

type Make = (params: Tensor[]) => Optimizer<any, any>;
const makers: [string, Make][] = [
  ["SGD nesterov", (p) => new SGD(p, { lr: 0.05, momentum: 0.9, nesterov: true, weightDecay: 0.01 })],
  ["SGD dampening", (p) => new SGD(p, { lr: 0.05, momentum: 0.5, dampening: 0.3 })],
  ["Adam amsgrad", (p) => new Adam(p, { lr: 0.05, amsgrad: true, weightDecay: 0.01 })],
  ["AdamW", (p) => new AdamW(p, { lr: 0.05 })],
  [
    "RMSprop centered + momentum",
    (p) => new RMSprop(p, { lr: 0.01, centered: true, momentum: 0.5, weightDecay: 0.1 }),
  ],
  [
    "Adagrad",
    (p) => new Adagrad(p, { lr: 0.5, lrDecay: 0.01, initialAccumulatorValue: 0.1, weightDecay: 0.01 }),
  ],
];

function run(opt: Optimizer<any, any>, x: Tensor, f: (x: Tensor) => Tensor, steps: number): void {
  for (let k = 0; k < steps; k++) {
    opt.step(() => {
      opt.zeroGrad();
      const loss = f(x);
      loss.backward();
      return loss;
    });
  }
}

const param = (values: ArrayLike<number>) => {
  const p = tensor(Array.from(values), f64);
  p.requiresGrad = true;
  return p;
};

describe("optimizers", () => {
  it.each(makers)("%s: a state dict round trip resumes exactly", (_, make) => {
    const { f } = quadratic(1);
    const start = [0.3, -1.2, 2];
    const a = param(start);
    const optA = make([a]);
    run(optA, a, f, 10);
    const b = param(start);
    const optB = make([b]);
    run(optB, b, f, 5);
    const saved = optB.stateDict();
    const resumed = param(b.toTypedArray());
    run(optB, b, f, 3); // the saved dict is a snapshot: later steps do not change it
    const optC = make([resumed]);
    optC.loadStateDict(saved);
    run(optC, resumed, f, 5);
    expect(Array.from(resumed.toTypedArray())).toEqual(Array.from(a.toTypedArray()));
  });

  it("state dicts key state by parameter index with PyTorch's names", () => {
    const p = [param([1, 2]), param([3])];
    const opt = new Adam([{ params: [p[0]!] }, { params: [p[1]!], lr: 0.1 }], { amsgrad: true });
    p[1]!.grad = tensor([0.5], f64);
    opt.step();
    const sd = opt.stateDict();
    expect(Object.keys(sd.state)).toEqual(["1"]); // state is created lazily: parameter 0 had no gradient
    expect(Object.keys(sd.state[1]!).sort()).toEqual(["exp_avg", "exp_avg_sq", "max_exp_avg_sq", "step"]);
    expect(sd.state[1]!.step).toBe(1);
    expect(sd.paramGroups.map((g) => [g.params, g.lr])).toEqual([
      [[0], 0.001],
      [[1], 0.1],
    ]);
    expect(() => new Adam([p[0]!]).loadStateDict(sd)).toThrow(
      "Adam: loaded state dict has 2 parameter groups, the optimizer has 1",
    );
    expect(() => new Adam([{ params: p }, { params: [param([0])] }]).loadStateDict(sd)).toThrow(
      "Adam: loaded parameter group 0 has 1 parameters, the optimizer's has 2",
    );
    expect(() => new Adam([{ params: [p[0]!] }, { params: [param([0, 0])] }]).loadStateDict(sd)).toThrow(
      "Adam: loaded state 'exp_avg' of parameter 1 is [1], the parameter [2]",
    );
  });

  it.each([
    ["SGD", (p: Tensor[]) => new SGD(p, { lr: 0.1 }), 1e-10],
    ["SGD momentum", (p: Tensor[]) => new SGD(p, { lr: 0.05, momentum: 0.9 }), 1e-10],
    ["SGD nesterov", (p: Tensor[]) => new SGD(p, { lr: 0.05, momentum: 0.9, nesterov: true }), 1e-10],
    ["Adam", (p: Tensor[]) => new Adam(p, { lr: 0.05 }), 1e-8],
    ["AdamW (no decay)", (p: Tensor[]) => new AdamW(p, { lr: 0.05, weightDecay: 0 }), 1e-8],
    ["RMSprop", (p: Tensor[]) => new RMSprop(p, { lr: 0.05 }), 1e-8],
    ["Adagrad", (p: Tensor[]) => new Adagrad(p, { lr: 0.3 }), 1e-3],
  ] as const)("%s: descent on a convex quadratic reaches the analytic minimum A x = b", (_, make, tol) => {
    const { f, residual } = quadratic(7);
    const x = param([1, -1, 0.5]);
    const before = residual(x);
    run(make([x]), x, f, 600);
    expect(residual(x)).toBeLessThan(Math.min(tol, before));
  });

  it("parameter groups: own options, addParamGroup, zeroGrad, skipped parameters", () => {
    const a = param([1]);
    const b = param([1]);
    const c = param([1]);
    const opt = new SGD([{ params: [a] }, { params: [b], lr: 0.5 }], { lr: 0.1 });
    opt.addParamGroup({ params: [c], lr: 1 });
    a.grad = tensor([1], f64);
    b.grad = tensor([1], f64);
    opt.step(); // c has no gradient: skipped
    expect([a, b, c].map((p) => p.item())).toEqual([0.9, 0.5, 1]);
    expect(opt.state.has(c)).toBe(false);
    opt.zeroGrad();
    expect([a.grad, b.grad, c.grad]).toEqual([null, null, null]);
    expect(() => opt.addParamGroup({ params: [a] })).toThrow(
      "SGD: some parameters appear in more than one parameter group",
    );
  });

  it("step(closure) returns the loss; float32 parameters and non-contiguous gradients work", () => {
    const x = tensor(
      [
        [1, 2],
        [3, 4],
      ],
      { requiresGrad: true },
    );
    const opt = new SGD([x], { lr: 0.5 });
    const loss = opt.step(() => {
      const l = sum(mul(x, x));
      l.backward();
      return l;
    });
    expect(loss!.item()).toBe(30);
    expect(x.toArray()).toEqual([
      [0, 0],
      [0, 0],
    ]);
    const y = zeros([2, 2], { requiresGrad: true });
    y.grad = transpose(
      tensor([
        [1, 2],
        [3, 4],
      ]),
    );
    new SGD([y], { lr: 1 }).step();
    expect(y.toArray()).toEqual([
      [-1, -3],
      [-2, -4],
    ]);
  });
});

describe("optimizer errors", () => {
  const p = () => [param([1])];
  it.each([
    [() => new SGD(p(), { lr: -1 }), "SGD: Invalid learning rate: -1"],
    [() => new SGD(p(), { momentum: -0.1 }), "SGD: Invalid momentum value: -0.1"],
    [() => new SGD(p(), { weightDecay: -1 }), "SGD: Invalid weightDecay value: -1"],
    [() => new SGD(p(), { dampening: Number.NaN }), "SGD: Invalid dampening value: NaN"],
    [() => new SGD(p(), { nesterov: true }), "SGD: Nesterov momentum requires a momentum and zero dampening"],
    [
      () => new SGD(p(), { nesterov: true, momentum: 0.9, dampening: 0.1 }),
      "SGD: Nesterov momentum requires",
    ],
    [() => new Adam(p(), { lr: Number.NaN }), "Adam: Invalid learning rate: NaN"],
    [() => new Adam(p(), { eps: -1e-8 }), "Adam: Invalid epsilon value: -1e-8"],
    [() => new Adam(p(), { betas: [1, 0.999] }), "Adam: Invalid beta parameter at index 0: 1"],
    [() => new Adam(p(), { betas: [0.9, -0.1] }), "Adam: Invalid beta parameter at index 1: -0.1"],
    [() => new Adam(p(), { betas: [0.9] as any }), "Adam: betas must be a pair [beta1, beta2], got [0.9]"],
    [() => new Adam(p(), { weightDecay: -1 }), "Adam: Invalid weightDecay value: -1"],
    [() => new AdamW(p(), { lr: -1 }), "AdamW: Invalid learning rate: -1"],
    [() => new AdamW(p(), { betas: [0.9, 1] }), "AdamW: Invalid beta parameter at index 1: 1"],
    [() => new RMSprop(p(), { lr: -1 }), "RMSprop: Invalid learning rate: -1"],
    [() => new RMSprop(p(), { eps: -1 }), "RMSprop: Invalid epsilon value: -1"],
    [() => new RMSprop(p(), { momentum: -1 }), "RMSprop: Invalid momentum value: -1"],
    [() => new RMSprop(p(), { weightDecay: -1 }), "RMSprop: Invalid weightDecay value: -1"],
    [() => new RMSprop(p(), { alpha: -1 }), "RMSprop: Invalid alpha value: -1"],
    [() => new Adagrad(p(), { lr: -1 }), "Adagrad: Invalid learning rate: -1"],
    [() => new Adagrad(p(), { lrDecay: -1 }), "Adagrad: Invalid lrDecay value: -1"],
    [() => new Adagrad(p(), { weightDecay: -1 }), "Adagrad: Invalid weightDecay value: -1"],
    [() => new Adagrad(p(), { initialAccumulatorValue: -1 }), "Adagrad: Invalid initialAccumulatorValue: -1"],
    [() => new Adagrad(p(), { eps: -1 }), "Adagrad: Invalid epsilon value: -1"],
    [() => new SGD([{ params: [param([1])], lr: -2 }]), "SGD: Invalid learning rate: -2"],
    [() => new SGD([]), "SGD: got an empty parameter list"],
    [() => new SGD(param([1]) as any), "SGD: params must be an iterable of Tensors, got a Tensor"],
    [() => new SGD([1 as any]), "SGD: can only optimize Tensors, got number at 0"],
    [
      () => new SGD([tensor([1], { dtype: "int32" })]),
      "SGD: can only optimize float tensors, got int32 at 0",
    ],
    [() => new SGD([mul(param([1]), 2)]), "SGD: can't optimize a non-leaf Tensor (parameter 0)"],
    [() => new SGD([transpose(zeros([2, 3]))]), "SGD: parameter 0 [3,2] must be contiguous"],
    [() => new SGD([{ lr: 1 } as any]), "SGD: can only optimize Tensors, got object at 0"],
    [() => new SGD(p()).addParamGroup({ lr: 1 } as any), "SGD: a parameter group needs a 'params' field"],
  ] as const)("%#: %s", (make, message) => {
    expect(make).toThrow(message);
  });

  it("a gradient of the wrong dtype or shape", () => {
    const x = param([1, 2]);
    x.grad = tensor([1, 2]);
    expect(() => new SGD([x]).step()).toThrow(
      "SGD: gradient float32 [2] does not match its parameter float64 [2]",
    );
  });
});
