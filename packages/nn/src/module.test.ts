import { add, Generator, mul, ones, randn, type Tensor, tensor, zeros } from "@nablajs/tensor";
import { assertAllClose } from "@nablajs/testing";
import { describe, expect, it } from "vitest";
import { Module } from "./module.js";

class Affine extends Module {
  weight: Tensor;
  bias: Tensor | null;
  constructor(n: number, bias = true) {
    super();
    this.weight = this.registerParameter("weight", randn([n], { generator: new Generator(bias ? n : -n) }));
    this.bias = this.registerParameter("bias", bias ? zeros([n]) : null);
  }
  forward(x: Tensor): Tensor {
    const y = mul(x, this.weight);
    return this.bias ? add(y, this.bias) : y;
  }
}

class Net extends Module {
  a = this.registerModule("a", new Affine(2));
  b = this.registerModule("b", new Affine(2, false));
  scale = this.registerParameter("scale", ones([1]));
  forward(x: Tensor): Tensor {
    return this.b.forward(this.a.forward(x));
  }
}

/** Registers anything, to reach the registration checks. */
class Open extends Module {
  param(name: string, t: any) {
    return this.registerParameter(name, t);
  }
  module(name: string, m: any) {
    return this.registerModule(name, m);
  }
  forward(x: Tensor): Tensor {
    return x;
  }
}

describe("Module registration", () => {
  it("names parameters with dots, in registration order, and skips null ones", () => {
    const net = new Net();
    expect(net.namedParameters().map(([n]) => n)).toEqual(["scale", "a.weight", "a.bias", "b.weight"]);
    expect(net.parameters()).toEqual([net.scale, net.a.weight, net.a.bias, net.b.weight]);
    expect(Object.keys(net.stateDict())).toEqual(net.namedParameters().map(([n]) => n));
    // A prefix joins with a dot, as torch's named_parameters(prefix) and namedModules(prefix).
    expect(net.namedParameters("enc").map(([n]) => n)).toEqual([
      "enc.scale",
      "enc.a.weight",
      "enc.a.bias",
      "enc.b.weight",
    ]);
    expect(net.namedModules("enc").map(([n]) => n)[1]).toBe("enc.a");
    expect(net.numParameters()).toBe(1 + 2 + 2 + 2);
    expect(net.parameters().every((p) => p.requiresGrad && p.isLeaf)).toBe(true);
  });

  it("lists children, named children and all modules", () => {
    const net = new Net();
    expect(net.children()).toEqual([net.a, net.b]);
    expect(net.namedChildren().map(([n]) => n)).toEqual(["a", "b"]);
    expect(net.namedModules().map(([n]) => n)).toEqual(["", "a", "b"]);
    expect(net.modules()).toEqual([net, net.a, net.b]);
  });

  it("lists a shared (tied) parameter once, but keeps both names in the state dict", () => {
    const m = new Open();
    const w = ones([2]);
    m.param("first", w);
    m.param("second", w);
    expect(m.parameters()).toHaveLength(1);
    expect(m.namedParameters().map(([n]) => n)).toEqual(["first"]);
    expect(Object.keys(m.stateDict())).toEqual(["first", "second"]);
  });

  it("rejects bad names, non-tensors, int tensors, non-leaves, views and name clashes", () => {
    const m = new Open();
    expect(() => m.param("a.b", ones([1]))).toThrow(/registerParameter: invalid name "a.b"/);
    expect(() => m.param("", ones([1]))).toThrow(/invalid name ""/);
    expect(() => m.param("x", [1, 2])).toThrow(/'x' must be a Tensor or null/);
    expect(() => m.param("x", zeros([2], { dtype: "int32" }))).toThrow(/must be a float tensor, got int32/);
    const computed = mul(ones([2], { requiresGrad: true }), 2);
    expect(() => m.param("x", computed)).toThrow(/must be a leaf tensor/);
    expect(() => m.param("x", ones([2, 3]).transpose())).toThrow(/must be contiguous/);
    expect(() => m.module("y", {})).toThrow(/registerModule: 'y' must be a Module/);
    expect(() => m.module("a.b", new Open())).toThrow(/registerModule: invalid name/);
    m.param("p", ones([1]));
    m.module("q", new Open());
    expect(() => m.module("p", new Open())).toThrow(/'p' is already a parameter/);
    expect(() => m.param("q", ones([1]))).toThrow(/'q' is already a submodule/);
  });
});

describe("Module modes and gradients", () => {
  it("train() and eval() set the flag in every submodule", () => {
    const net = new Net();
    expect(net.training && net.a.training).toBe(true);
    expect(net.eval()).toBe(net);
    expect(net.modules().map((m) => m.training)).toEqual([false, false, false]);
    net.train();
    expect(net.modules().every((m) => m.training)).toBe(true);
    net.train(false);
    expect(net.b.training).toBe(false);
  });

  it("zeroGrad clears the gradients backward accumulated", () => {
    const net = new Net();
    net
      .forward(tensor([1, 2]))
      .sum()
      .backward();
    expect(net.a.weight.grad).not.toBeNull();
    net.zeroGrad();
    expect(net.parameters().every((p) => p.grad === null)).toBe(true);
  });
});

describe("stateDict / loadStateDict", () => {
  it("round-trips values into another module in place, keeping parameter identity", () => {
    const src = new Net();
    const dst = new Net();
    const before = dst.a.weight;
    const result = dst.loadStateDict(src.stateDict());
    expect(result).toEqual({ missingKeys: [], unexpectedKeys: [] });
    expect(dst.a.weight).toBe(before);
    for (const [name, p] of dst.namedParameters()) assertAllClose(p, src.stateDict()[name]!);
    const x = tensor([0.5, -1.5]);
    assertAllClose(dst.forward(x), src.forward(x));
  });

  it("state dict entries share storage with the parameters and are detached", () => {
    const net = new Net();
    const sd = net.stateDict();
    expect(sd["a.weight"]!.requiresGrad).toBe(false);
    expect(sd["a.weight"]!.data).toBe(net.a.weight.data);
  });

  it("converts float64 values into float32 parameters", () => {
    const net = new Net();
    const sd = net.stateDict();
    const w = tensor([0.25, 4], { dtype: "float64" });
    net.loadStateDict({ ...sd, "a.weight": w });
    expect(net.a.weight.dtype).toBe("float32");
    assertAllClose(net.a.weight, [0.25, 4]);
  });

  it("names missing, unexpected and mismatched keys in one error, and writes nothing", () => {
    const net = new Net();
    const sd = net.stateDict();
    const { "a.bias": _, ...rest } = sd;
    const bad = { ...rest, extra: ones([1]), "b.weight": ones([4]) };
    const copy = net.a.weight.toTypedArray();
    let message = "";
    try {
      net.loadStateDict({ ...bad, "a.weight": zeros([2]) });
    } catch (e) {
      message = (e as Error).message;
    }
    expect(message).toMatch(/^loadStateDict: /);
    expect(message).toContain("missing keys: 'a.bias'");
    expect(message).toContain("unexpected keys: 'extra'");
    expect(message).toContain("'b.weight' has shape [4], the module expects [2]");
    expect(net.a.weight.toTypedArray()).toEqual(copy); // nothing was written
  });

  it("non-strict loading reports missing and unexpected keys but still rejects shape mismatches", () => {
    const net = new Net();
    const result = net.loadStateDict({ "a.weight": tensor([3, 4]), other: ones([2]) }, { strict: false });
    expect(result.missingKeys).toEqual(["scale", "a.bias", "b.weight"]);
    expect(result.unexpectedKeys).toEqual(["other"]);
    assertAllClose(net.a.weight, [3, 4]);
    expect(() => net.loadStateDict({ "a.weight": ones([3]) }, { strict: false })).toThrow(
      /'a.weight' has shape \[3\], the module expects \[2\]/,
    );
  });

  it("rejects non-tensor and int32 values and a non-object dict", () => {
    const net = new Net();
    const sd = net.stateDict();
    expect(() => net.loadStateDict({ ...sd, scale: [1] as any })).toThrow(/'scale' is not a Tensor/);
    expect(() => net.loadStateDict({ ...sd, scale: ones([1], { dtype: "int32" }) })).toThrow(
      /'scale' is int32, expected a float tensor/,
    );
    expect(() => net.loadStateDict(null as any)).toThrow(/expected an object of tensors, got null/);
  });

  it("does not treat inherited object keys as entries", () => {
    const net = new Net();
    expect(() => net.loadStateDict(Object.create(net.stateDict()))).toThrow(/missing keys/);
  });
});

describe("to(dtype)", () => {
  it("converts every parameter in place, keeping identity, values and gradients", () => {
    const net = new Net();
    net
      .forward(tensor([1, 2]))
      .sum()
      .backward();
    const w = net.a.weight;
    const values = w.toTypedArray();
    const grad = w.grad!.toTypedArray();
    expect(net.to("float64")).toBe(net);
    expect(net.a.weight).toBe(w);
    expect(net.parameters().every((p) => p.dtype === "float64" && p.requiresGrad)).toBe(true);
    assertAllClose(w, values);
    expect(w.grad!.dtype).toBe("float64");
    assertAllClose(w.grad!, grad);
    const y = net.forward(tensor([1, 2], { dtype: "float64" }));
    expect(y.dtype).toBe("float64");
    net.to("float32");
    expect(w.dtype).toBe("float32");
  });

  it("rejects int32 and unknown dtypes", () => {
    expect(() => new Net().to("int32")).toThrow(/to: modules hold float parameters/);
    expect(() => new Net().to("float16" as any)).toThrow(/expected float32 or float64, got float16/);
  });
});

describe("toString", () => {
  it("prints the tree with names and parameter counts", () => {
    class Wide extends Module {
      w = this.registerParameter("w", zeros([1000, 2]));
      forward(x: Tensor) {
        return x;
      }
      protected override extraRepr() {
        return "wide=true";
      }
    }
    class Top extends Module {
      inner = this.registerModule("inner", new Net());
      wide = this.registerModule("wide", new Wide());
      forward(x: Tensor) {
        return x;
      }
    }
    expect(new Top().toString()).toBe(
      [
        "Top(",
        "  (inner): Net(",
        "    (a): Affine()  # 4 parameters",
        "    (b): Affine()  # 2 parameters",
        "  )  # 7 parameters",
        "  (wide): Wide(wide=true)  # 2,000 parameters",
        ")  # 2,007 parameters",
      ].join("\n"),
    );
    expect(new Open().toString()).toBe("Open()");
  });
});
