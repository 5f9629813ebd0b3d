// The forward-mode machinery: tangents per level, what carries them and what does not, nesting
// with itself and with reverse mode, and the errors.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { assertAllClose } from "../../../../tooling/testing/src/index.js";
import * as T from "../node.js";
import type { Tensor } from "../tensor.js";

const f64 = { dtype: "float64" as const };
const exact = { rtol: 1e-12, atol: 1e-14 };
const gen = new T.Generator(77);
const n = (...shape: number[]) => T.randn(shape, { ...f64, generator: gen });

/** J u of a one-output `f` (null when the output has no tangent). */
const jvp1 = (f: (...xs: Tensor[]) => Tensor, xs: Tensor[], us: (Tensor | null)[]) =>
  T.pushforward((...a) => [f(...a)], xs, [us]).tangents[0]![0]!;

describe("what carries a tangent", () => {
  it("detach kills it; noGrad does not (forward mode is not recording)", () => {
    const [x, u] = [n(3), n(3)];
    expect(jvp1((a) => T.detach(T.exp(a)), [x], [u])).toBeNull();
    assertAllClose(
      jvp1((a) => T.noGrad(() => T.exp(a)), [x], [u]),
      T.mul(u, T.exp(x)),
      exact,
    );
  });

  it("int32 results have none, and an int32 primal cannot be given one", () => {
    const x = n(4);
    expect(jvp1((a) => T.argmax(a), [x], [n(4)])).toBeNull();
    expect(jvp1((a) => T.gt(a, 0), [x], [n(4)])).toBeNull();
    const i = T.tensor([1, 2], { dtype: "int32" });
    expect(() => T.pushforward((a) => [a!], [i], [[T.tensor([1, 1], { dtype: "int32" })]])).toThrow(
      /pushforward: primal 0 is int32, which has no tangent/,
    );
  });

  it("backward's .grad under createGraph is a recorded copy, and carries the tangent (forward over reverse)", () => {
    const [x, u] = [n(3), n(3)];
    const gradOf = (a: Tensor) => {
      const leaf = T.copyTangents(a, T.detach(a));
      leaf.requiresGrad = true;
      T.sum(T.pow(leaf, 3)).backward(undefined, { createGraph: true });
      return leaf.grad!;
    };
    assertAllClose(jvp1(gradOf, [x], [u]), T.mul(T.mul(x, 6), u), exact); // d(3x^2) = 6x dx
  });

  it("a value closed over (not a primal) is a constant, and tangents do not outlive their jvp", () => {
    const [x, c, u] = [n(2), n(2), n(2)];
    const r = T.pushforward((a) => [T.mul(a!, c)], [x], [[u]]);
    assertAllClose(r.tangents[0]![0]!, T.mul(u, c), exact);
    // the level is gone: the same output in a new pass has no tangent
    expect(T.pushforward(() => [T.exp(r.outputs[0]!)], [x], [[u]]).tangents[0]![0]).toBeNull();
  });
});

describe("levels", () => {
  const f = (a: Tensor, b: Tensor) => T.sum(T.mul(T.sin(a), T.exp(b)));

  it("sibling tangent sets are independent perturbations in one pass (the columns of a Jacobian)", () => {
    const [a, b] = [n(3), n(3)];
    const sets = [
      [n(3), null],
      [null, n(3)],
      [n(3), n(3)],
    ];
    const r = T.pushforward((x, y) => [f(x!, y!)], [a, b], sets);
    sets.forEach((us, k) => {
      assertAllClose(r.tangents[k]![0]!, jvp1(f as never, [a, b], us), exact);
    });
  });

  it("nested levels give second derivatives; a closed-over outer primal is not confused with the inner", () => {
    // d/dx [d/dy (x y^2) . v] . u = 2 y v u, with the inner jvp in y closing over the outer x
    const [x0, y0, u, v] = [n(2), n(2), n(2), n(2)];
    const outer = (x: Tensor) => jvp1((y) => T.mul(x, T.square(y)), [y0], [v]);
    assertAllClose(jvp1(outer, [x0], [u]), T.mul(T.mul(T.mul(y0, 2), v), u), exact);
    // and the same variable perturbed at two levels: d2/dx2 sum(x^3) [u, v] = 6 x u v
    const inner = (x: Tensor) => jvp1((y) => T.sum(T.pow(y, 3)), [x], [v]);
    assertAllClose(jvp1(inner, [x0], [u]), T.sum(T.mul(T.mul(T.mul(x0, 6), u), v)), exact);
  });

  it("forward over reverse: the tangent of a gradient is a Hessian-vector product", () => {
    const [x, u] = [n(3), n(3)];
    const g = (a: Tensor) => {
      const leaf = T.copyTangents(a, T.detach(a));
      leaf.requiresGrad = true;
      return T.gradients([T.sum(T.mul(T.tanh(leaf), leaf))], [leaf], [T.ones([], f64)])[0]!;
    };
    // H = diag(2 sech^2 x - 2 x tanh x sech^2 x)
    const s2 = T.sub(1, T.square(T.tanh(x)));
    const h = T.sub(T.mul(s2, 2), T.mul(T.mul(T.mul(x, 2), T.tanh(x)), s2));
    assertAllClose(jvp1(g, [x], [u]), T.mul(h, u), exact);
  });

  it("reverse over forward: the tangent rules are recorded, so a gradient of J u exists", () => {
    const x = n(3);
    x.requiresGrad = true;
    const u = n(3);
    const ju = jvp1((a) => T.sum(T.exp(T.mul(a, 2))), [x], [u]); // 2 sum(exp(2x) u)
    const [g] = T.gradients([ju], [x], [T.ones([], f64)]);
    assertAllClose(g!, T.mul(T.mul(T.exp(T.mul(T.detach(x), 2)), u), 4), exact);
  });
});

describe("laws", () => {
  const f = (x: Tensor) => T.logsumexp(T.matmul(T.reshape(x, [2, 3]), T.tanh(T.reshape(x, [3, 2]))), 1);

  it("J is linear in the tangent: J(a u + b w) = a J u + b J w (fast-check)", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 1e6 }),
        fc.double({ min: -3, max: 3, noNaN: true }),
        (seed, a) => {
          const g = new T.Generator(seed);
          const [x, u, w] = [0, 1, 2].map(() => T.randn([6], { ...f64, generator: g }));
          const lhs = jvp1(f, [x!], [T.add(T.mul(u!, a), T.mul(w!, -0.5))]);
          const rhs = T.add(T.mul(jvp1(f, [x!], [u!]), a), T.mul(jvp1(f, [x!], [w!]), -0.5));
          assertAllClose(lhs, rhs, { rtol: 1e-10, atol: 1e-12 });
        },
      ),
      { numRuns: 25 },
    );
  });
});

describe("errors", () => {
  it("a tangent rule returning the wrong dtype or shape names the op", () => {
    const bad = T.primitive(
      "badRule",
      (g) => [g],
      () => T.ones([5], f64),
    );
    const op = (x: Tensor) => T.record(bad, [x], T.detach(T.exp(x)), undefined);
    expect(() => T.pushforward((x) => [op(x!)], [n(2)], [[n(2)]])).toThrow(
      /badRule: the tangent rule returned float64 \[5\], which does not broadcast to the output's \[2\]/,
    );
  });

  it("pushforward checks its arguments", () => {
    const x = n(2);
    expect(() => T.pushforward((a) => [a!], [x], [[n(3)]])).toThrow(
      /pushforward: tangent 0 float64 \[3\] must match primal 0 float64 \[2\]/,
    );
    expect(() => T.pushforward((a) => [a!], [x], [[]])).toThrow(/one tangent \(or null\) per primal/);
    expect(() => T.pushforward((a) => a as never, [x], [[x]])).toThrow(/fn must return an array of tensors/);
    expect(() => T.pushforward((a) => [a!], [1 as never], [])).toThrow(
      /primal 0 must be a Tensor, got number/,
    );
  });

  it("forward mode through a custom op without a tangent rule is an error naming it", () => {
    const op = T.customGrad(
      (x: Tensor) => T.sin(x),
      (g, [x]) => [T.mul(g, T.cos(x!))],
      "mySin",
    );
    const x = n(2);
    let err: unknown;
    try {
      T.pushforward((a) => [op(a!)], [x], [[n(2)]]);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(T.MissingJvpError);
    expect((err as T.MissingJvpError).op).toBe("mySin");
    expect((err as Error).message).toMatch(
      /mySin: forward mode .* no tangent rule; give it one, customGrad.*jvp:/,
    );
    expect((err as Error).message).toMatch(/or use reverse mode \(vjp, jacrev\)/);
    // the op itself still works, with no tangent around
    assertAllClose(op(x), T.sin(x), exact);
  });

  it("a custom op's tangent rule (one or several outputs) is used, and its forward is not differentiated", () => {
    let calls = 0;
    const spy = T.primitive(
      "spy",
      (g) => [g],
      ([dx]) => {
        calls++;
        return dx!;
      },
    );
    const sinCos = T.customGrad(
      (x: Tensor) => [T.sin(T.record(spy, [x], T.detach(x), undefined)), T.cos(x)],
      ([gs, gc], [x]) => [T.sub(T.mul(gs!, T.cos(x!)), T.mul(gc!, T.sin(x!)))],
      { name: "sinCos", jvp: ([dx], [x]) => [T.mul(dx!, T.cos(x!)), T.neg(T.mul(dx!, T.sin(x!)))] },
    );
    const [x, u] = [n(3), n(3)];
    const r = T.pushforward((a) => sinCos(a!), [x], [[u]]);
    assertAllClose(r.tangents[0]![0]!, T.mul(u, T.cos(x)), exact);
    assertAllClose(r.tangents[0]![1]!, T.neg(T.mul(u, T.sin(x))), exact);
    expect(calls).toBe(0);
    T.pushforward((a) => [T.record(spy, [a!], T.detach(a!), undefined)], [x], [[u]]);
    expect(calls).toBe(1); // the spy does count outside a custom op's forward
  });
});
