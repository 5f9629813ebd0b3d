// erf and GELU against PyTorch 1.13 in float64 (attention2.json: values, gradients and second
// derivatives), against central differences, in both modes, and in float32.
import { gradcheck, gradgradcheck, jvp } from "@nablajs/autograd";
import { Generator, gradients, randn, type Tensor, tensor } from "@nablajs/tensor";
import { assertAllClose } from "@nablajs/testing";
import { describe, expect, it } from "vitest";
import { erf, erfScalar } from "./erf.js";
import { GELU, gelu } from "./gelu.js";
import { attentionCases, fx } from "./testing.js";

const fns: Record<string, (x: Tensor) => Tensor> = {
  erf,
  gelu_exact: (x) => gelu(x),
  gelu_tanh: (x) => gelu(x, "tanh"),
};

describe("erf and gelu against PyTorch (float64)", () => {
  for (const c of attentionCases("attention2").filter((c) => c.kind === "elementwise")) {
    it(`${c.name}: values, gradient and second derivative`, () => {
      const f = fns[c.name]!;
      const x = Object.assign(fx(c.x), { requiresGrad: true }) as Tensor;
      const y = f(x);
      // NOTE: atol: near x = -7 tanh's form cancels, 1 + tanh(.) ~ 1e-6, so an ulp of V8's tanh
      // against glibc's shows at 1e-16 absolute (5e-11 relative); 1 - tanh^2 in the derivatives likewise.
      const tol = { rtol: 1e-12, atol: 1e-13 };
      assertAllClose(y, fx(c.out), tol);
      const [g] = gradients([y.mul(fx(c.cotangent)).sum()], [x], [tensor(1, { dtype: "float64" })], {
        createGraph: true,
      });
      assertAllClose(g!, fx(c.grad), tol);
      const [gg] = gradients([g!.mul(fx(c.grad_weight)).sum()], [x], [tensor(1, { dtype: "float64" })]);
      assertAllClose(gg!, fx(c.grad_grad), tol);
    });
  }
});

describe("erf", () => {
  it("is odd, saturates at ±1, keeps NaN and tiny values", () => {
    for (const x of [1e-300, 0.3, 0.9, 1.1, 2, 3.5, 5.9, 6.1, 30]) expect(erfScalar(-x)).toBe(-erfScalar(x));
    expect(erfScalar(Number.POSITIVE_INFINITY)).toBe(1);
    expect(erfScalar(Number.NEGATIVE_INFINITY)).toBe(-1);
    expect(erfScalar(Number.NaN)).toBeNaN();
    expect(erfScalar(1e-300)).toBe(1e-300 * (2 / Math.sqrt(Math.PI)));
    expect(erfScalar(0)).toBe(0);
  });
  it("passes gradcheck and gradgradcheck, and forward mode agrees with reverse", () => {
    const x = randn([7], { dtype: "float64", generator: new Generator(1) }).mul(2);
    gradcheck(erf, [x]);
    gradgradcheck(erf, [x]);
    const u = randn([7], { dtype: "float64", generator: new Generator(2) });
    const [, t] = jvp(erf, [x], [u]);
    assertAllClose(
      t,
      x
        .square()
        .neg()
        .exp()
        .mul(2 / Math.sqrt(Math.PI))
        .mul(u),
      { rtol: 1e-14 },
    );
  });
  it("rounds float32 once and rejects int32 and non-tensors", () => {
    const y = erf(tensor([0.5, -2], { dtype: "float32" }));
    expect(y.dtype).toBe("float32");
    expect(Array.from(y.toTypedArray())).toEqual([Math.fround(erfScalar(0.5)), Math.fround(erfScalar(-2))]);
    expect(() => erf(tensor([1], { dtype: "int32" }))).toThrow(/erf: expected a float tensor, got int32/);
    expect(() => erf([1] as unknown as Tensor)).toThrow(/erf: expected a Tensor/);
  });
});

describe("GELU", () => {
  it("both forms pass gradcheck and gradgradcheck over a strided view", () => {
    const x = randn([3, 4], { dtype: "float64", generator: new Generator(3) })
      .mul(2)
      .transpose();
    for (const a of ["none", "tanh"] as const) {
      gradcheck((t) => gelu(t, a), [x]);
      gradgradcheck((t) => gelu(t, a), [x]);
    }
  });
  it("the layer applies the function, and bad options throw naming the value", () => {
    const x = randn([2, 3], { generator: new Generator(4) });
    assertAllClose(new GELU({ approximate: "tanh" }).forward(x), gelu(x, "tanh"), { rtol: 0 });
    expect(new GELU().toString()).toContain("approximate=none");
    expect(() => new GELU({ approximate: "fast" as "tanh" })).toThrow(
      /GELU: approximate must be "none" or "tanh", got "fast"/,
    );
    expect(() => gelu(x, "erf" as "none")).toThrow(/gelu: approximate/);
  });
});
