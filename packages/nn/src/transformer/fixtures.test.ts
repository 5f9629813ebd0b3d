// The attention layers against PyTorch 1.13 in float64 (attention.json, attention2.json): a
// PyTorch state dict loads, and the outputs, weights, input gradients and every parameter's
// gradient match, op by op (needWeights) and through the fused attention op.
import type { Tensor } from "@nablajs/tensor";
import { assertAllClose } from "@nablajs/testing";
import { describe, expect, it } from "vitest";
import { LayerNorm } from "../layers/layer-norm.js";
import type { Module } from "../module.js";
import { TransformerEncoder } from "./encoder.js";
import { type Activation, TransformerEncoderLayer } from "./encoder-layer.js";
import { MultiheadAttention } from "./multihead-attention.js";
import { attentionCases, fx, fxOpt } from "./testing.js";

const tol = { rtol: 1e-9, atol: 1e-12 };
const cases = [...attentionCases("attention"), ...attentionCases("attention2")].filter(
  (c) => c.kind !== "elementwise",
);

function load(module: Module, c: any): void {
  const dict = Object.fromEntries(Object.entries(c.state_dict).map(([k, v]) => [k, fx(v as any)]));
  module.loadStateDict(dict);
}

function checkGrads(module: Module, inputs: Tensor[], c: any): void {
  for (const [i, g] of c.input_grads.entries()) assertAllClose(inputs[i]!.grad!, fx(g), tol);
  const params = Object.fromEntries(module.namedParameters());
  expect(Object.keys(params).sort()).toEqual(Object.keys(c.param_grads).sort());
  for (const [name, g] of Object.entries(c.param_grads))
    assertAllClose(params[name]!.grad!, fx(g as any), tol);
}

function layerOptions(config: any) {
  return {
    dModel: config.d_model,
    nhead: config.nhead,
    dimFeedforward: config.dim_feedforward,
    dropout: 0,
    activation: (config.activation ?? "relu") as Activation,
    normFirst: config.norm_first ?? false,
    batchFirst: config.batch_first ?? false,
    layerNormEps: config.layer_norm_eps ?? 1e-5,
    dtype: "float64" as const,
  };
}

function runMha(c: any, needWeights: boolean): void {
  const { embed_dim, num_heads, batch_first = false, bias = true } = c.config;
  const m = new MultiheadAttention({
    embedDim: embed_dim,
    numHeads: num_heads,
    batchFirst: batch_first,
    bias,
    dtype: "float64",
  });
  load(m, c);
  const inputs = c.inputs.map((x: any) => Object.assign(fx(x), { requiresGrad: true }) as Tensor);
  const [q, k, v] = c.self_attn ? [inputs[0], inputs[0], inputs[0]] : inputs;
  const { output, weights } = m.forward(q, k, v, {
    attnMask: fxOpt(c.attn_mask),
    keyPaddingMask: fxOpt(c.key_padding_mask),
    needWeights,
    averageAttnWeights: c.average_attn_weights ?? true,
  });
  assertAllClose(output, fx(c.out), tol);
  if (needWeights) assertAllClose(weights!, fx(c.weights), tol);
  else expect(weights).toBeNull();
  output.mul(fx(c.cotangent)).sum().backward();
  checkGrads(m, inputs, c);
}

function runEncoder(c: any, isCausal: boolean): void {
  const opts = layerOptions(c.config);
  const m =
    c.kind === "encoder"
      ? new TransformerEncoder(opts, c.num_layers, {
          norm: c.final_norm
            ? new LayerNorm(opts.dModel, { eps: opts.layerNormEps, dtype: "float64" })
            : null,
        })
      : new TransformerEncoderLayer(opts);
  load(m, c);
  const x = Object.assign(fx(c.inputs[0]), { requiresGrad: true }) as Tensor;
  // A causal float mask may instead be given as the flag, which the fused kernel applies itself.
  const mask = isCausal ? null : fxOpt(c.attn_mask);
  const out = m.forward(x, { mask, srcKeyPaddingMask: fxOpt(c.key_padding_mask), isCausal });
  assertAllClose(out, fx(c.out), tol);
  out.mul(fx(c.cotangent)).sum().backward();
  checkGrads(m, [x], c);
}

/** Whether a fixture's mask is the float causal mask (0 on and below the diagonal, -inf above). */
function isCausalMask(m: any): boolean {
  if (m === null || m.dtype === "bool" || m.shape.length !== 2) return false;
  const [L, S] = m.shape;
  return (
    m.data.every((v: any, i: number) => (Math.floor(i / S) >= i % S ? v === 0 : v === "-inf")) && L === S
  );
}

describe("MultiheadAttention against PyTorch (float64)", () => {
  for (const c of cases.filter((c) => c.kind === "mha")) {
    it(`${c.name}: outputs, weights and gradients, op by op`, () => runMha(c, true));
    it(`${c.name}: outputs and gradients through the fused op (needWeights: false)`, () => runMha(c, false));
  }
});

describe("TransformerEncoderLayer and TransformerEncoder against PyTorch (float64)", () => {
  for (const c of cases.filter((c) => c.kind !== "mha")) {
    it(`${c.name}: outputs and gradients`, () => runEncoder(c, false));
    if (isCausalMask(c.attn_mask))
      it(`${c.name}: the same with isCausal instead of the mask`, () => runEncoder(c, true));
  }
  it("every PyTorch variant is covered", () => {
    const names = cases.map((c) => c.name);
    expect(names).toContain("encoder_postnorm_relu");
    expect(names.length).toBeGreaterThanOrEqual(13);
  });
});
