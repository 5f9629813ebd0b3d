import { MultiheadAttention, scaledDotProductAttention } from "@nablajs/nn";
import { Generator, randn, type Tensor } from "@nablajs/tensor";
import type { Bench, Case, CaseResult } from "../harness.js";

/** Batch, sequence length, model width and heads of one attention shape. */
interface Shape {
  B: number;
  L: number;
  E: number;
  H: number;
}

// The char-GPT's block (batch 32 x 64 characters, width 128, 4 heads), then longer sequences.
const SHAPES: Shape[] = [
  { B: 32, L: 64, E: 128, H: 4 },
  { B: 8, L: 256, E: 256, H: 8 },
  { B: 2, L: 1024, E: 256, H: 4 },
];

const leaf = (shape: number[], seed: number): Tensor =>
  Object.assign(randn(shape, { generator: new Generator(seed) }), { requiresGrad: true });

/** One forward and backward of self-attention through nabla's MultiheadAttention (batch-first). */
function nablaMha({ B, L, E, H }: Shape, needWeights: boolean) {
  return (): Bench => {
    const mha = new MultiheadAttention({
      embedDim: E,
      numHeads: H,
      batchFirst: true,
      generator: new Generator(1),
    });
    const x = leaf([B, L, E], 2);
    const params = [x, ...mha.parameters()];
    return {
      run: () => {
        mha.forward(x, x, x, { isCausal: true, needWeights }).output.sum().backward();
        for (const p of params) p.grad = null;
      },
    };
  };
}

/** One forward and backward of softmax(q kᵀ / sqrt(d) + causal) v on q, k, v [B, H, L, E/H]. */
function nablaSdpa({ B, L, E, H }: Shape, fused: boolean) {
  return (): Bench => {
    const [q, k, v] = [3, 4, 5].map((s) => leaf([B, H, L, E / H], s)) as [Tensor, Tensor, Tensor];
    return {
      run: () => {
        scaledDotProductAttention(q, k, v, { isCausal: true, fused }).sum().backward();
        for (const t of [q, k, v]) t.grad = null;
      },
    };
  };
}

const flops = ({ B, L, E }: Shape) => {
  // Causal attention: the four L x L x E/H products per head (q kᵀ, P v; and twice that backward),
  // half of them masked: 2 L^2 E forward, 5 L^2 E backward (recomputing the scores), per batch entry.
  return (7 * B * L * L * E) / 1e9;
};

function note(fusedName: string, opName: string) {
  return (all: ReadonlyMap<string, CaseResult>) => {
    const fused = all.get(fusedName)?.results.nabla?.medianMs;
    const op = all.get(opName)?.results.nabla?.medianMs;
    return fused && op ? `fused ${(op / fused).toFixed(1)}x faster than op by op` : "";
  };
}

/**
 * The fused attention against nabla's op-by-op path and PyTorch: nn.MultiheadAttention
 * (projections included, `need_weights=False`, a causal float mask) and the bare softmax(q kᵀ) v
 * that PyTorch 1.13 composes from matmul and softmax (it has no scaled_dot_product_attention).
 */
export const attentionCases: Case[] = SHAPES.flatMap((s) => {
  const tag = `b${s.B} l${s.L} e${s.E} h${s.H}`;
  const mha = `attention mha ${tag} causal fwd+bwd`;
  const sdpa = `attention sdpa ${tag} causal fwd+bwd`;
  const throughput = { unit: "GFLOP/s", work: flops(s) };
  const cases: Case[] = [
    {
      name: mha,
      description: `nn.MultiheadAttention(${s.E}, ${s.H}, batch_first) self-attention on x [${s.B}, ${s.L}, ${s.E}] with a causal mask, sum(output).backward(); nabla fused (needWeights: false); GFLOP/s counts the attention products only`,
      throughput,
      variants: true,
      torch: { case: "attention", kind: "mha", ...s },
      setup: { nabla: nablaMha(s, false) },
    },
    {
      name: `${mha}, nabla op by op`,
      description:
        "the same with needWeights: true, which runs nabla's op-by-op path (as PyTorch's need_weights)",
      throughput,
      setup: { nabla: nablaMha(s, true) },
      note: note(mha, `${mha}, nabla op by op`),
    },
    {
      name: sdpa,
      description: `softmax(q kᵀ / sqrt(d) + causal) v on q, k, v [${s.B}, ${s.H}, ${s.L}, ${s.E / s.H}], sum().backward(); nabla scaledDotProductAttention (fused); PyTorch: matmul, softmax, matmul`,
      throughput,
      variants: true,
      torch: { case: "attention", kind: "sdpa", ...s },
      setup: { nabla: nablaSdpa(s, true) },
    },
    {
      name: `${sdpa}, nabla op by op`,
      description:
        "scaledDotProductAttention(..., { fused: false }): matmul, softmax, matmul through autograd",
      throughput,
      setup: { nabla: nablaSdpa(s, false) },
      note: note(sdpa, `${sdpa}, nabla op by op`),
    },
  ];
  return cases;
});
