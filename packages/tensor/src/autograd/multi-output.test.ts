// The several-output node: one node in the graph, its derivative run once per pass after every
// output that was reached, with null for the outputs that were not.
import { describe, expect, it } from "vitest";
import { assertAllClose } from "../../../../tooling/testing/src/index.js";
import * as T from "../node.js";
import type { Tensor } from "../tensor.js";

const f64 = { dtype: "float64" as const };
const exact = { rtol: 1e-13, atol: 1e-15 };

/** [sin x, cos x, x^2] as ONE recorded node whose rule logs the cotangents it receives. */
function trio(log: (readonly (Tensor | null)[])[]) {
  const prim = T.multiPrimitive(
    "trio",
    (gs, [x]) => {
      log.push(gs);
      let g: Tensor | null = null;
      const acc = (t: Tensor) => {
        g = g === null ? t : T.add(g, t);
      };
      if (gs[0]) acc(T.mul(gs[0], T.cos(x!))); // d sin = cos dx
      if (gs[1]) acc(T.neg(T.mul(gs[1], T.sin(x!)))); // d cos = -sin dx
      if (gs[2]) acc(T.mul(gs[2], T.mul(x!, 2))); // d x^2 = 2x dx
      return [g];
    },
    ([dx], [x]) => [T.mul(dx!, T.cos(x!)), T.neg(T.mul(dx!, T.sin(x!))), T.mul(dx!, T.mul(x!, 2))],
  );
  return (x: Tensor): Tensor[] => {
    const outs = T.noGrad(() => [T.sin(x), T.cos(x), T.square(x)]);
    return T.recordMulti(prim, [x], outs, undefined) as Tensor[];
  };
}

/** The same three outputs as separate recorded ops, for reference. */
const composed = (x: Tensor) => [T.sin(x), T.cos(x), T.square(x)];

function leaf(values: number[]): Tensor {
  return T.tensor(values, { ...f64, requiresGrad: true });
}

/** Losses that reach the outputs in different orders, along chains of different depths. */
const losses: [string, (o: Tensor[]) => Tensor, boolean[]][] = [
  ["all three, in order", ([a, b, c]) => T.sum(T.add(T.add(a!, b!), c!)), [true, true, true]],
  [
    "the last output first, through a long chain",
    ([a, , c]) => T.sum(T.add(T.tanh(T.exp(T.tanh(c!))), a!)),
    [true, false, true],
  ],
  ["only the middle one", ([, b]) => T.sum(T.mul(b!, b!)), [false, true, false]],
  [
    "one output twice, and through another",
    ([a, b]) => T.add(T.sum(T.mul(a!, b!)), T.sum(b!)),
    [true, true, false],
  ],
  [
    "outputs mixed before the loss",
    ([a, b, c]) => T.sum(T.mul(T.sigmoid(T.mul(a!, c!)), T.exp(b!))),
    [true, true, true],
  ],
];

describe("a several-output op is one node", () => {
  it("all its outputs share one gradFn that names the op; no hidden tensors or per-output nodes", () => {
    const outs = trio([])(leaf([0.1, 0.2]));
    expect(new Set(outs.map((o) => o.gradFn)).size).toBe(1);
    const node = outs[0]!.gradFn!;
    expect(node.prim.name).toBe("trio");
    expect(node.outputs).toEqual(outs);
    expect(node.inputs!.map((t) => t.shape)).toEqual([[2]]);
  });

  it.each(losses)(
    "%s: the rule runs once with the cotangents that arrived and matches the composed ops",
    (_, loss, reached) => {
      const log: (readonly (Tensor | null)[])[] = [];
      const [x1, x2] = [leaf([0.3, -1.2, 2.5]), leaf([0.3, -1.2, 2.5])];
      const outs = trio(log)(x1);
      const ref = composed(x2);
      const [g1] = T.gradients([loss(outs)], [x1], [T.ones([], f64)]);
      const [g2] = T.gradients([loss(ref)], [x2], [T.ones([], f64)]);
      assertAllClose(g1!, g2!, exact);
      expect(log).toHaveLength(1);
      // null exactly for the outputs the loss does not use
      expect(log[0]!.map((g) => g !== null)).toEqual(reached);
    },
  );

  it("with several roots, the cotangents of every root's paths are summed before the rule runs", () => {
    const log: (readonly (Tensor | null)[])[] = [];
    const x = leaf([0.7, -0.4]);
    const [a, b, c] = trio(log)(x);
    const cs = [T.tensor([1, 2], f64), T.tensor([-1, 0.5], f64), T.tensor([3, 1], f64)];
    const [gx] = T.gradients([a!, b!, T.mul(c!, 2), a!], [x], [cs[0]!, cs[1]!, cs[2]!, cs[0]!]);
    expect(log).toHaveLength(1);
    assertAllClose(log[0]![0]!, T.mul(cs[0]!, 2), exact);
    const expected = T.add(
      T.sub(T.mul(T.mul(cs[0]!, 2), T.cos(x)), T.mul(cs[1]!, T.sin(x))),
      T.mul(T.mul(cs[2]!, 2), T.mul(x, 2)),
    );
    assertAllClose(gx!, expected, exact);
  });

  it("under createGraph the rule's result is differentiable: a second derivative through it", () => {
    // d2/dx2 of sum(sin x * cos x) = sum(-4 sin x cos x) ... checked against the composed ops.
    const [x1, x2] = [leaf([0.3, 1.1]), leaf([0.3, 1.1])];
    const second = (x: Tensor, make: (x: Tensor) => Tensor[]) => {
      const [a, b] = make(x);
      const [g] = T.gradients([T.sum(T.mul(a!, b!))], [x], [T.ones([], f64)], { createGraph: true });
      return T.gradients([T.sum(g!)], [x], [T.ones([], f64)])[0]!;
    };
    assertAllClose(second(x1, trio([])), second(x2, composed), exact);
  });

  it("the graph is freed after a pass unless retained", () => {
    const x = leaf([0.5]);
    const [a, b] = trio([])(x);
    const loss = T.sum(T.add(a!, b!));
    loss.backward();
    expect(() => loss.backward()).toThrow(/graph through '(add|sum|trio)' was already freed/);
  });
});

describe("the several-output node in forward mode", () => {
  it("its tangent rule gives one tangent per output, as the composed ops do", () => {
    const x = T.tensor([0.3, -1.2, 2], f64);
    const dx = T.tensor([1, 0.5, -2], f64);
    const run = (make: (x: Tensor) => Tensor[]) => T.pushforward(make, [x], [[dx]]).tangents[0]!;
    const [fused, ref] = [run(trio([])), run(composed)];
    fused.forEach((t, i) => {
      assertAllClose(t!, ref[i]!, exact);
    });
  });
});
