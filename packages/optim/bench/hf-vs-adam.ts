// The race of issue 13: Hessian-free Newton against Adam, wall time to a target loss, on an
// ill-conditioned least-squares problem of 100,000 parameters (W: 400 x 250).
//
//   loss(W) = ||X W - Y||_F^2 / (2 N),  X = U diag(s) V^T (N x 400, U and V orthonormal),
//   s log-spaced from 1 to sqrt(kappa), Y = X W*: the Hessian is (X^T X / N) (x) I, condition
//   number kappa (1e4), eigenvectors rotated away from the axes (so Adam's per-coordinate scaling
//   cannot undo it), minimum 0.
//
// Run from tooling/bench (its tsx), on the TypeScript sources:
//   node --conditions=source --import tsx ../../packages/optim/bench/hf-vs-adam.ts [options]
// Options: --dtype float32|float64 (float32), --kappa 1e4, --rows 2000, --target 1e-5 (loss / loss0),
//   --time-limit 120 (seconds per run), --adam-lrs 0.003,0.01,0.03,0.1,0.3 (each is raced; the best wins),
//   --damping 1e-3 (HessianFree's initial lambda), --cg 50 (HessianFree's maxCgIters).
import { Adam, HessianFree } from "@nablajs/optim";
import {
  backendStatus,
  Generator,
  matmul,
  mT,
  mul,
  noGrad,
  randn,
  square,
  sub,
  sum,
  type Tensor,
  tensor,
  zeros,
} from "@nablajs/tensor";

const args = process.argv.slice(2);
const option = (name: string, fallback: string) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 && i + 1 < args.length ? args[i + 1]! : fallback;
};
const dtype = option("dtype", "float32") as "float32" | "float64";
const kappa = Number(option("kappa", "1e4"));
const N = Number(option("rows", "2000"));
const target = Number(option("target", "1e-5"));
const timeLimit = Number(option("time-limit", "120")) * 1000;
const adamLrs = option("adam-lrs", "0.003,0.01,0.03,0.1,0.3").split(",").map(Number);
const damping = Number(option("damping", "1e-3"));
const maxCgIters = Number(option("cg", "50"));
const D = 400;
const K = 250;

/** Columns of a Gaussian matrix made orthonormal (modified Gram-Schmidt, float64). */
function orthonormalColumns(rows: number, cols: number, gen: Generator): Float64Array {
  const q = Float64Array.from({ length: rows * cols }, () => gen.normal()); // column-major
  for (let j = 0; j < cols; j++) {
    const cj = q.subarray(j * rows, (j + 1) * rows);
    for (let i = 0; i < j; i++) {
      const ci = q.subarray(i * rows, (i + 1) * rows);
      let r = 0;
      for (let t = 0; t < rows; t++) r += ci[t]! * cj[t]!;
      for (let t = 0; t < rows; t++) cj[t] = cj[t]! - r * ci[t]!;
    }
    let norm = 0;
    for (let t = 0; t < rows; t++) norm += cj[t]! * cj[t]!;
    norm = Math.sqrt(norm);
    for (let t = 0; t < rows; t++) cj[t] = cj[t]! / norm;
  }
  return q;
}

/** X = U diag(s) V^T as a row-major [rows, cols] tensor. */
function illConditioned(rows: number, cols: number, gen: Generator): Tensor {
  const u = orthonormalColumns(rows, cols, gen);
  const v = orthonormalColumns(cols, cols, gen);
  const s = Float64Array.from({ length: cols }, (_, i) => Math.sqrt(kappa) ** (i / (cols - 1)));
  const us = tensor(
    Array.from(
      { length: rows * cols },
      (_, k) => u[(k % cols) * rows + Math.floor(k / cols)]! * s[k % cols]!,
    ),
    {
      dtype: "float64",
      shape: [rows, cols],
    },
  );
  const vt = tensor(
    Array.from({ length: cols * cols }, (_, k) => v[(k % cols) * cols + Math.floor(k / cols)]!),
    {
      dtype: "float64",
      shape: [cols, cols],
    },
  );
  return noGrad(() => matmul(us, mT(vt)).astype(dtype));
}

const gen = new Generator(0);
const t0 = performance.now();
const X = illConditioned(N, D, gen);
const wStar = randn([D, K], { dtype, generator: gen });
const Y = noGrad(() => matmul(X, wStar));
const lossOf = (W: Tensor) => mul(sum(square(sub(matmul(X, W), Y))), 1 / (2 * N));
const loss0 = noGrad(() => lossOf(zeros([D, K], { dtype }))).item();
console.log(
  `problem: W ${D}x${K} (${D * K} parameters), X ${N}x${D}, condition number ${kappa}, ${dtype}, ` +
    `backend ${backendStatus().name}; loss0 ${loss0.toExponential(3)}, target loss/loss0 <= ${target} ` +
    `(built in ${((performance.now() - t0) / 1000).toFixed(1)} s)`,
);

interface Result {
  name: string;
  reached: boolean;
  seconds: number;
  steps: number;
  ratio: number;
  /** Seconds to first reach each of `milestones` (loss / loss0). */
  times: (number | null)[];
}

const milestones = [1e-2, 1e-3, 1e-4, 1e-5, 1e-6].filter((m) => m >= target);

function race(name: string, step: (W: Tensor) => number): Result {
  const W = zeros([D, K], { dtype });
  W.requiresGrad = true;
  const start = performance.now();
  let steps = 0;
  let ratio = 1;
  let lastPrint = start;
  const times: (number | null)[] = milestones.map(() => null);
  while (ratio > target && performance.now() - start < timeLimit) {
    ratio = step(W) / loss0;
    steps += 1;
    milestones.forEach((m, i) => {
      if (times[i] === null && ratio <= m) times[i] = (performance.now() - start) / 1000;
    });
    if (!Number.isFinite(ratio)) break;
    if (performance.now() - lastPrint > 5000) {
      lastPrint = performance.now();
      console.log(
        `  ${name}: ${steps} steps, ${((lastPrint - start) / 1000).toFixed(1)} s, loss/loss0 ${ratio.toExponential(2)}`,
      );
    }
  }
  const seconds = (performance.now() - start) / 1000;
  const r = { name, reached: ratio <= target, seconds, steps, ratio, times };
  console.log(
    `${name}: ${r.reached ? "reached" : "did not reach"} the target in ${seconds.toFixed(2)} s, ${steps} steps, loss/loss0 ${ratio.toExponential(2)}`,
  );
  return r;
}

// HessianFree: each step is one gradient (with its graph) and up to maxCgIters Hessian-vector products.
let hf: HessianFree | null = null;
const hfResult = race("HessianFree", (W) => {
  hf ??= new HessianFree([W], { damping, maxCgIters });
  hf.step(() => lossOf(W));
  return hf.lastStep!.loss;
});

// Adam at several learning rates; the loss reported is the one before each step, as usual.
const adamResults = adamLrs.map((lr) => {
  let opt: Adam | null = null;
  return race(`Adam lr=${lr}`, (W) => {
    opt ??= new Adam([W], { lr });
    opt.zeroGrad();
    const l = lossOf(W);
    l.backward();
    opt.step();
    return l.item();
  });
});

console.log(`\nseconds to loss/loss0 <= ${milestones.join(", ")}:`);
for (const r of [hfResult, ...adamResults]) {
  console.log(
    `  ${r.name.padEnd(16)} ${r.times.map((t) => (t === null ? "-" : t.toFixed(1)).padStart(7)).join(" ")}`,
  );
}
const reached = adamResults.filter((r) => r.reached).sort((a, b) => a.seconds - b.seconds);
const best = reached[0];
console.log(
  best === undefined
    ? `No Adam run reached the target within ${timeLimit / 1000} s; the best got to ${Math.min(...adamResults.map((r) => r.ratio)).toExponential(2)}.`
    : `Best Adam (${best.name}): ${best.seconds.toFixed(2)} s.`,
);
if (hfResult.reached && best !== undefined)
  console.log(`HessianFree is ${(best.seconds / hfResult.seconds).toFixed(1)}x faster to the target.`);
