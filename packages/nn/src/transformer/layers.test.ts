// The attention layers' shape, names and behaviour beyond the PyTorch fixtures: state-dict keys
// in PyTorch's order, initialisation, layouts (batch-first, unbatched), causal flag = causal
// mask, dropout only in training, and errors at the call that caused them.
import { Generator, randn, type Tensor, tensor } from "@nablajs/tensor";
import { assertAllClose } from "@nablajs/testing";
import { describe, expect, it } from "vitest";
import { LayerNorm } from "../layers/layer-norm.js";
import { TransformerEncoder } from "./encoder.js";
import { TransformerEncoderLayer } from "./encoder-layer.js";
import { causalMask } from "./mask.js";
import { MultiheadAttention } from "./multihead-attention.js";

const f64 = { dtype: "float64" as const };
const mha = (opts: object = {}) =>
  new MultiheadAttention({ embedDim: 8, numHeads: 2, generator: new Generator(1), ...f64, ...opts });

describe("MultiheadAttention", () => {
  it("has PyTorch's parameters, in its order, initialised as PyTorch", () => {
    const m = mha();
    const dict = m.stateDict();
    expect(Object.keys(dict)).toEqual(["in_proj_weight", "in_proj_bias", "out_proj.weight", "out_proj.bias"]);
    expect(dict.in_proj_weight!.shape).toEqual([24, 8]);
    const bound = Math.sqrt(6 / (24 + 8)); // xavier uniform on [3E, E]
    expect(dict.in_proj_weight!.abs().max().item()).toBeLessThanOrEqual(bound);
    expect(dict.in_proj_weight!.abs().max().item()).toBeGreaterThan(0.8 * bound);
    expect(dict.in_proj_bias!.abs().max().item()).toBe(0);
    expect(dict["out_proj.bias"]!.abs().max().item()).toBe(0);
    expect(Object.keys(mha({ bias: false }).stateDict())).toEqual(["in_proj_weight", "out_proj.weight"]);
    expect(m.toString()).toContain("embedDim=8, numHeads=2");
  });
  it("batch-first, sequence-first and unbatched inputs give the same numbers", () => {
    const x = randn([3, 5, 8], { ...f64, generator: new Generator(2) }); // [B, L, E]
    const bf = mha({ batchFirst: true }).forward(x);
    const sf = mha().forward(x.transpose([1, 0, 2]));
    assertAllClose(sf.output.transpose([1, 0, 2]), bf.output, { rtol: 1e-12 });
    assertAllClose(sf.weights!, bf.weights!, { rtol: 1e-12 });
    const one = mha().forward(x.narrow(0, 1, 1).reshape([5, 8]), undefined, undefined, { isCausal: true });
    const batched = mha({ batchFirst: true }).forward(x, x, x, { isCausal: true });
    assertAllClose(one.output, batched.output.narrow(0, 1, 1).reshape([5, 8]), { rtol: 1e-12 });
    assertAllClose(one.weights!, batched.weights!.narrow(0, 1, 1).reshape([5, 5]), { rtol: 1e-12 });
  });
  it("isCausal equals the causal mask; per-head weights average to the mean", () => {
    const x = randn([4, 2, 8], { ...f64, generator: new Generator(3) });
    const a = mha().forward(x, x, x, { isCausal: true, averageAttnWeights: false });
    const b = mha().forward(x, x, x, { attnMask: causalMask(4, 4, "float64") });
    assertAllClose(a.output, b.output, { rtol: 1e-12 });
    expect(a.weights!.shape).toEqual([2, 2, 4, 4]);
    assertAllClose(a.weights!.mean(1), b.weights!, { rtol: 1e-12 });
    const fused = mha().forward(x, x, x, { isCausal: true, needWeights: false });
    expect(fused.weights).toBeNull();
    assertAllClose(fused.output, a.output, { rtol: 1e-11, atol: 1e-13 });
  });
  it("dropout on the weights in training mode only", () => {
    const x = randn([4, 2, 8], { ...f64, generator: new Generator(4) });
    const m = mha({ dropout: 0.5 });
    const noDrop = mha().forward(x).output;
    expect(m.forward(x).output.sub(noDrop).abs().max().item()).toBeGreaterThan(1e-3);
    assertAllClose(m.eval().forward(x, x, x, { needWeights: false }).output, noDrop, {
      rtol: 1e-11,
      atol: 1e-13,
    });
  });
  it("bad options and inputs throw naming the values", () => {
    expect(() => mha({ numHeads: 3 })).toThrow(/embedDim 8 must be divisible by numHeads 3/);
    expect(() => mha({ dropout: 1 })).toThrow(/dropout must be in \[0, 1\), got 1/);
    expect(() => mha({ embedDim: 0 })).toThrow(/embedDim must be a positive integer, got 0/);
    const m = mha();
    const x = randn([4, 2, 8], f64);
    expect(() => m.forward(randn([4, 2, 6], f64))).toThrow(/with E = 8; got query \[4,2,6\]/);
    expect(() => m.forward(x, randn([3, 1, 8], f64))).toThrow(/key \[3,1,8\]/);
    expect(() => m.forward(x.reshape([-1]))).toThrow(/must all be \[L, B, E\] or all \[L, E\]/);
    expect(() => m.forward(x, x, x, { attnMask: randn([3, 4], f64) })).toThrow(
      /attnMask must be \[L, S\] = \[4, 4\] or \[B \* numHeads, L, S\] = \[4, 4, 4\], got \[3,4\]/,
    );
    const pad = tensor([[0, 0, 1]], { dtype: "int32" });
    expect(() => m.forward(x, x, x, { keyPaddingMask: pad })).toThrow(
      /keyPaddingMask must be \[2,4\] = \[batch, S\], got \[1,3\]/,
    );
    expect(() => m.forward(x.astype("float32"))).toThrow(/expected float64 query/);
  });
});

describe("TransformerEncoderLayer and TransformerEncoder", () => {
  const opts = { dModel: 8, nhead: 2, dimFeedforward: 16, dropout: 0, generator: new Generator(5), ...f64 };
  it("have PyTorch's names", () => {
    const keys = Object.keys(new TransformerEncoderLayer(opts).stateDict());
    expect(keys).toEqual([
      "self_attn.in_proj_weight",
      "self_attn.in_proj_bias",
      "self_attn.out_proj.weight",
      "self_attn.out_proj.bias",
      "linear1.weight",
      "linear1.bias",
      "linear2.weight",
      "linear2.bias",
      "norm1.weight",
      "norm1.bias",
      "norm2.weight",
      "norm2.bias",
    ]);
    const enc = new TransformerEncoder(opts, 2, { norm: new LayerNorm(8, f64) });
    const names = Object.keys(enc.stateDict());
    expect(names[0]).toBe("layers.0.self_attn.in_proj_weight");
    expect(names).toContain("layers.1.norm2.bias");
    expect(names.at(-1)).toBe("norm.bias");
  });
  it("a custom activation, dropout in training only, and the stack is its layers in turn", () => {
    const x = randn([5, 2, 8], { ...f64, generator: new Generator(6) });
    const tanhLayer = new TransformerEncoderLayer({ ...opts, activation: (t: Tensor) => t.tanh() });
    expect(tanhLayer.forward(x).shape).toEqual([5, 2, 8]);
    const dropping = new TransformerEncoderLayer({ ...opts, dropout: 0.3 });
    const a = dropping.forward(x);
    const b = dropping.eval().forward(x);
    expect(a.sub(b).abs().max().item()).toBeGreaterThan(1e-3);
    const enc = new TransformerEncoder({ ...opts, normFirst: true }, 2);
    const manual = enc.layer(1).forward(enc.layer(0).forward(x, { isCausal: true }), { isCausal: true });
    assertAllClose(enc.forward(x, { isCausal: true }), manual, { rtol: 0 });
  });
  it("attentionDropout sets the attention's own dropout (default: dropout, as PyTorch)", () => {
    expect(new TransformerEncoderLayer({ ...opts, dropout: 0.2 }).self_attn.dropout).toBe(0.2);
    const layer = new TransformerEncoderLayer({ ...opts, dropout: 0.2, attentionDropout: 0 });
    expect([layer.dropout, layer.self_attn.dropout]).toEqual([0.2, 0]);
  });
  it("bad options throw naming the values", () => {
    expect(() => new TransformerEncoderLayer({ ...opts, activation: "swish" as "relu" })).toThrow(
      /activation must be "relu", "gelu" or a function, got swish/,
    );
    expect(() => new TransformerEncoderLayer({ ...opts, dropout: -0.1 })).toThrow(
      /dropout must be in \[0, 1\), got -0.1/,
    );
    expect(() => new TransformerEncoderLayer({ ...opts, dimFeedforward: 0 })).toThrow(
      /dimFeedforward must be a positive integer/,
    );
    expect(() => new TransformerEncoder(opts, 0)).toThrow(/numLayers must be a positive integer, got 0/);
  });
});
