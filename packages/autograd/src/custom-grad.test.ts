import type { Tensor } from "@nablajs/tensor";
import * as T from "@nablajs/tensor";
import { assertAllClose } from "@nablajs/testing";
import { describe, expect, it } from "vitest";
import { customGrad, gradcheck, gradgradcheck, gradients, noGrad } from "./index.js";
import { inputs } from "./test-helpers.js";

const r = inputs(404);
const exact = { rtol: 1e-12, atol: 1e-14 };

// softplus(x) = log(1 + e^x); d softplus = sigmoid(x) dx
const softplus = customGrad(
  (x: Tensor) => T.log(T.add(T.exp(x), 1)),
  (g, [x]) => [T.mul(g, T.sigmoid(x!))],
  "softplus",
);
const autogradSoftplus = (x: Tensor) => T.log(T.add(T.exp(x), 1));

// [a * b, sum(a - b)] with a hand-written backward
const mulAndDiffBackward = ([gm, gs]: Tensor[], [a, b]: readonly Tensor[], _outs?: Tensor[]) => [
  T.add(T.mul(gm!, b!), gs!),
  T.sub(T.mul(gm!, a!), gs!),
];
const mulAndDiff = customGrad(
  (a: Tensor, b: Tensor) => [T.mul(a, b), T.sum(T.sub(a, b))],
  mulAndDiffBackward,
  "mulAndDiff",
);
/** [sin x, cos x] with a hand-written backward that records in `seen` the cotangents it gets. */
const sinCos = (seen: Tensor[][]) =>
  customGrad(
    (x: Tensor) => [T.sin(x), T.cos(x)],
    (gs, [x]) => {
      seen.push(gs);
      return [T.sub(T.mul(gs[0]!, T.cos(x!)), T.mul(gs[1]!, T.sin(x!)))];
    },
  );
const autogradMulAndDiff = (a: Tensor, b: Tensor) => [T.mul(a, b), T.sum(T.sub(a, b))];

describe("customGrad with one output", () => {
  it("gives the same value and gradient as the autograd path", () => {
    const x = r.normal([2, 3]);
    const c = r.normal([2, 3]);
    const xa = x.detach();
    xa.requiresGrad = true;
    const xb = x.detach();
    xb.requiresGrad = true;
    const [yc, ya] = [softplus(xa), autogradSoftplus(xb)];
    assertAllClose(yc, ya, exact);
    assertAllClose(gradients([yc], [xa], [c])[0]!, gradients([ya], [xb], [c])[0]!, exact);
  });

  it("passes gradcheck and gradgradcheck (its backward is written with differentiable ops)", () => {
    expect(gradcheck(softplus, [r.normal([3])])).toBe(true);
    expect(gradgradcheck(softplus, [r.transposed(2, 3)])).toBe(true);
    expect(gradcheck((x: Tensor) => T.sum(T.square(softplus(T.sin(x)))), [r.normal([4])])).toBe(true);
  });

  it("the backward sees the inputs and the output", () => {
    const expCustom = customGrad(
      (x: Tensor) => T.exp(x),
      (g, _inputs, out) => [T.mul(g, out)],
    );
    expect(gradgradcheck(expCustom, [r.normal([3])])).toBe(true);
  });

  it("records nothing when no input requires a gradient; backward is never called", () => {
    let calls = 0;
    const op = customGrad(
      (x: Tensor) => T.mul(x, 2),
      (g) => {
        calls++;
        return [g];
      },
    );
    const y = op(r.normal([2]));
    expect(y.requiresGrad).toBe(false);
    expect(calls).toBe(0);
  });

  it("gradients may keep a broadcast shape and null marks an input without one", () => {
    const addBias = customGrad(
      (x: Tensor, bias: Tensor, _k: Tensor) => T.add(x, bias),
      (g) => [g, g, null],
    );
    const x = r.normal([2, 3]);
    const b = r.normal([3]);
    const k = r.normal([1]);
    for (const t of [x, b, k]) t.requiresGrad = true;
    const c = r.normal([2, 3]);
    const [gx, gb, gk] = gradients([addBias(x, b, k)], [x, b, k], [c]);
    assertAllClose(gx!, c);
    assertAllClose(gb!, T.sum(c, 0), exact);
    expect(gk!.toArray()).toEqual([0]);
  });
});

describe("customGrad with saved state and the pass context", () => {
  it("the forward's { outputs, saved } reaches backward as ctx.saved, per call", () => {
    // exp saves its own output; the backward reads it instead of recomputing
    const savedExp = customGrad(
      (x: Tensor) => {
        const e = T.exp(x);
        return { outputs: e, saved: { e, calls: 1 } };
      },
      (g, _inputs, _out, ctx) => [T.mul(g, ctx.saved.e)],
      "savedExp",
    );
    const [x1, x2] = [r.normal([3]), r.normal([3])];
    x1.requiresGrad = true;
    x2.requiresGrad = true;
    const [y1, y2] = [savedExp(x1), savedExp(x2)];
    expect(y1.gradFn!.attrs).not.toBe(y2.gradFn!.attrs);
    const [g1] = gradients([y1], [x1], [T.onesLike(y1)]);
    assertAllClose(g1!, T.exp(x1), exact);
    expect(gradcheck(savedExp, [r.normal([3])])).toBe(true);
    // saved values are constants (the forward runs unrecorded): a second derivative through
    // them would be wrong, and the check says so instead of returning it
    expect(() => gradgradcheck(savedExp, [r.normal([3])])).toThrow(/savedExp: a higher-order derivative/);
  });

  it("ctx.createGraph tells the backward whether it is recorded", () => {
    const flags: boolean[] = [];
    const op = customGrad(
      (x: Tensor) => T.sin(x),
      (g, [x], _o, ctx) => {
        flags.push(ctx.createGraph);
        return [T.mul(g, T.cos(x!))];
      },
    );
    const x = r.normal([2]);
    x.requiresGrad = true;
    gradients([T.sum(op(x))], [x], [T.ones([], { dtype: "float64" })]);
    expect(flags).toEqual([false]);
    gradients([T.sum(op(x))], [x], [T.ones([], { dtype: "float64" })], { createGraph: true });
    // the higher-order pass probes the backward once with constant cotangents, then runs it
    expect(flags).toEqual([false, true, true]);
  });

  it("a forward returning some other object is a clear error", () => {
    const op = customGrad((() => ({ values: 1 })) as never, () => [null], "odd");
    expect(() => op(r.normal([2]))).toThrow(
      /odd: forward returned an object; return the outputs, or \{ outputs, saved \}/,
    );
  });
});

describe("customGrad with several outputs", () => {
  const [a, b] = [r.normal([2, 3]), r.normal([2, 3])];

  it("gives the same values and gradients as the autograd path", () => {
    const [cm, cs] = [r.normal([2, 3]), r.normal([])];
    const lead = (t: Tensor) => {
      const d = t.detach();
      d.requiresGrad = true;
      return d;
    };
    const [a1, b1, a2, b2] = [lead(a), lead(b), lead(a), lead(b)];
    const outC = mulAndDiff(a1, b1);
    const outA = autogradMulAndDiff(a2, b2);
    expect(outC.map((o) => o.shape)).toEqual([[2, 3], []]);
    outC.forEach((o, i) => {
      assertAllClose(o, outA[i]!, exact);
    });
    const gc = gradients(outC, [a1, b1], [cm, cs]);
    const ga = gradients(outA, [a2, b2], [cm, cs]);
    gc.forEach((g, i) => {
      assertAllClose(g, ga[i]!, exact);
    });
  });

  it("an output that does not reach the loss gets a zero cotangent", () => {
    const seen: Tensor[][] = [];
    const op = sinCos(seen);
    const x = r.normal([3]);
    x.requiresGrad = true;
    const [s] = op(x);
    T.sum(s!).backward();
    expect(seen).toHaveLength(1);
    expect(seen[0]![1]!.shape).toEqual([3]);
    expect(seen[0]![1]!.toArray()).toEqual([0, 0, 0]);
    assertAllClose(x.grad!, T.cos(x), exact);
  });

  it("with nothing to record, the forward's outputs come back untouched: not read, not copied", () => {
    let reads = 0;
    const spy = (t: Tensor): Tensor => {
      const data = t.data;
      Object.defineProperty(t, "data", {
        get: () => {
          reads++;
          return data;
        },
      });
      return t;
    };
    const made: Tensor[] = [];
    const op = customGrad(
      (x: Tensor) => {
        made.push(spy(T.sin(x)), spy(T.cos(x)));
        return made.slice(-2);
      },
      () => [null],
    );
    const x = r.normal([3]);
    const plain = op(x);
    x.requiresGrad = true;
    const inNoGrad = noGrad(() => op(x));
    expect(reads).toBe(0);
    plain.concat(inNoGrad).forEach((o, i) => {
      expect(o, `output ${i}`).toBe(made[i]);
    });
  });

  it("recorded outputs share the forward's storage, and each cotangent reaches backward as it is", () => {
    const seen: Tensor[][] = [];
    let made: Tensor[] = [];
    const op = customGrad(
      (a: Tensor, b: Tensor) => {
        made = [T.mul(a, b), T.sum(T.sub(a, b))];
        return made;
      },
      (gs, ins, outs) => {
        seen.push(gs);
        return mulAndDiffBackward(gs, ins, outs);
      },
    );
    const [p, q] = [r.normal([2, 3]), r.normal([2, 3])];
    p.requiresGrad = true;
    const outs = op(p, q);
    outs.forEach((o, i) => {
      expect(o.requiresGrad).toBe(true);
      expect(o.data).toBe(made[i]!.data);
    });
    const [cm, cs] = [r.normal([2, 3]), r.normal([])];
    const [gp] = gradients(outs, [p], [cm, cs]);
    expect(seen[0]![0]).toBe(cm); // not a zero-padded slice of a packed cotangent
    expect(seen[0]![1]).toBe(cs);
    assertAllClose(gp!, T.add(T.mul(cm, q), cs), exact);
  });

  it("a retained graph runs backward again with fresh cotangents, zeros where none arrived", () => {
    const seen: Tensor[][] = [];
    const op = sinCos(seen);
    const x = r.normal([3]);
    x.requiresGrad = true;
    const [s, c] = op(x);
    const both = T.add(T.sum(s!), T.sum(c!));
    gradients([both], [x], [T.ones([], { dtype: "float64" })], { retainGraph: true });
    const [gx] = gradients([T.sum(c!)], [x], [T.ones([], { dtype: "float64" })]);
    expect(seen).toHaveLength(2);
    expect(seen[1]![0]!.toArray()).toEqual([0, 0, 0]); // sin's cotangent of the first pass is not reused
    assertAllClose(gx!, T.neg(T.sin(x)), exact);
  });

  it("passes gradcheck and gradgradcheck through a function of both outputs", () => {
    const f = (p: Tensor, q: Tensor) => {
      const [m, s] = mulAndDiff(p, q);
      return T.add(T.sin(m!), T.square(s!));
    };
    expect(gradcheck(f, [a, b])).toBe(true);
    expect(gradgradcheck(f, [r.narrowed(2, 3), b])).toBe(true);
  });
});

describe("gradcheck catches wrong derivatives", () => {
  it("a wrong first derivative: the error names the input, the element and both values", () => {
    const wrong = customGrad(
      (x: Tensor) => T.sin(x),
      (g, [x]) => [T.mul(g, T.sin(x!))], // should be cos
    );
    const x = T.tensor([0.3, 1.1], { dtype: "float64" });
    expect(() => gradcheck(wrong, [x])).toThrow(
      /gradcheck: input 0 \[2\], element 0, output element 0: numerical 0\.955\d* vs analytical 0\.295\d*/,
    );
  });

  it("a right first derivative that is not differentiable fails gradgradcheck only, naming the op", () => {
    const cube = customGrad(
      (x: Tensor) => T.pow(x, 3),
      (g, [x]) => [T.mul(T.detach(g), T.mul(T.square(T.detach(x!)), 3))], // detach hides g and x
      "cube",
    );
    const x = r.normal([3]);
    expect(gradcheck(cube, [x])).toBe(true);
    expect(() => gradgradcheck(cube, [x])).toThrow(
      /cube: a higher-order derivative .* input 0 from the input.s values outside tensor ops/,
    );
  });

  it("skips int32 inputs and never changes the caller's inputs", () => {
    const x = r.transposed(2, 3);
    const before = x.toTypedArray();
    const idx = T.tensor([1, 0, 1], { dtype: "int32" });
    expect(gradcheck((t: Tensor, i: Tensor) => T.exp(T.indexSelect(t, 1, i)), [x, idx])).toBe(true);
    expect(x.toTypedArray()).toEqual(before);
  });
});
