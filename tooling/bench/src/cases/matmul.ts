import { matmul, mT } from "@nablajs/tensor";
import { keep, lazy, nablaTensor, normal, tfTensor } from "../data.js";
import type { Case } from "../harness.js";
import { tf } from "../tfjs.js";

interface MatmulSpec {
  name: string;
  description: string;
  /** The product is [m, k] x [k, n]. */
  m: number;
  k: number;
  n: number;
  /** The left operand is stored [k, m] and used transposed (A^T B). */
  transposeA?: boolean;
  /** The right operand is stored [n, k] and used transposed (A B^T). */
  transposeB?: boolean;
}

/** A matmul case: C = op(A) op(B), 2mkn FLOPs, each side given its transposes as views/flags. */
function matmulCase(spec: MatmulSpec): Case {
  const { m, k, n } = spec;
  const ta = spec.transposeA ?? false;
  const tb = spec.transposeB ?? false;
  const aShape = ta ? [k, m] : [m, k];
  const bShape = tb ? [n, k] : [k, n];
  const data = lazy(() => ({ a: normal(aShape, 1), b: normal(bShape, 2) }));
  return {
    name: spec.name,
    description: spec.description,
    throughput: { unit: "GFLOP/s", work: (2 * m * k * n) / 1e9 },
    variants: true,
    torch: { case: "matmul", m, n, k, aT: ta, bT: tb },
    setup: {
      nabla: () => {
        const at = nablaTensor(data().a, aShape);
        const bt = nablaTensor(data().b, bShape);
        const lhs = ta ? mT(at) : at;
        const rhs = tb ? mT(bt) : bt;
        return { run: () => keep(matmul(lhs, rhs)) };
      },
      "tfjs-cpu": () => tfjsMatmul(data().a, aShape, data().b, bShape, ta, tb),
      "tfjs-wasm": () => tfjsMatmul(data().a, aShape, data().b, bShape, ta, tb),
    },
  };
}

function tfjsMatmul(
  a: Float32Array,
  aShape: number[],
  b: Float32Array,
  bShape: number[],
  ta: boolean,
  tb: boolean,
) {
  const at = tfTensor(a, aShape);
  const bt = tfTensor(b, bShape);
  return {
    run: () => {
      const c = tf.matMul(at, bt, ta, tb);
      c.dataSync();
      c.dispose();
    },
    dispose: () => tf.dispose([at, bt]),
  };
}

/** Square products, the LSTM's input-to-gates product and the two products its backward needs. */
export const matmulCases: Case[] = [
  ...[64, 256, 512, 1024].map((s) =>
    matmulCase({ name: `matmul ${s}x${s}x${s}`, description: `square product, ${s}x${s}`, m: s, k: s, n: s }),
  ),
  matmulCase({
    name: "matmul lstm [32x256]x[256x1024]",
    description: "the LSTM's h W_hh^T shape: batch 32, hidden 256, 4 gates",
    m: 32,
    k: 256,
    n: 1024,
  }),
  matmulCase({
    name: "matmul lstm A^T B [32x256]^T[32x1024]",
    description: "weight gradient x^T g at the LSTM shape (k = 32, left operand transposed)",
    m: 256,
    k: 32,
    n: 1024,
    transposeA: true,
  }),
  matmulCase({
    name: "matmul lstm A B^T [32x1024][256x1024]^T",
    description: "input gradient g W^T at the LSTM shape (k = 1024, right operand transposed)",
    m: 32,
    k: 1024,
    n: 256,
    transposeB: true,
  }),
];
