// GEMM speed of the built addon against PyTorch's OpenBLAS, in GFLOP/s (2 m n k / time), on one
// and on two threads: square products and the products of an LSTM layer (batch 32, hidden 256).
//   node bench/gemm.mjs [--quick] [--samples=N] [--rounds=N] [--no-torch] [filter]
// Each figure is the best of 7 (or N) samples of >= 50 ms (the machine is shared: the best run is the
// one least disturbed). PyTorch runs in two child processes (bench/gemm_torch.py) with
// OPENBLAS_CORETYPE=SkylakeX (its AVX-512 kernels), one with OPENBLAS_NUM_THREADS=1 and one with
// two threads, and each shape is timed on both sides one right after the other.
import { spawn } from "node:child_process";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { createInterface } from "node:readline";
import { fileURLToPath } from "node:url";

const here = dirname(fileURLToPath(import.meta.url));
const addon = createRequire(import.meta.url)(
  process.env.NABLA_ADDON ?? join(here, "..", "build", "Release", "nabla_native.node"),
);
const args = process.argv.slice(2);
const quick = args.includes("--quick");
const filter = args.find((a) => !a.startsWith("--")) ?? "";

// aT / bT: the operand is stored transposed (its strides swapped), as backward passes use it.
const shapes = [
  { name: "64^3", m: 64, n: 64, k: 64 },
  { name: "256^3", m: 256, n: 256, k: 256 },
  { name: "512^3", m: 512, n: 512, k: 512 },
  { name: "512^3 A^T", m: 512, n: 512, k: 512, aT: true },
  { name: "512^3 B^T", m: 512, n: 512, k: 512, bT: true },
  { name: "1024^3", m: 1024, n: 1024, k: 1024 },
  { name: "h W [32x256]x[256x1024]", m: 32, n: 1024, k: 256 },
  { name: "h W^T [32x256]x[256x1024]", m: 32, n: 1024, k: 256, bT: true },
  { name: "h W packed", m: 32, n: 1024, k: 256, packed: true },
  { name: "G X [1024x32]x[32x256]", m: 1024, n: 256, k: 32 },
  { name: "dG^T X [1024x32]x[32x256]", m: 1024, n: 256, k: 32, aT: true },
  { name: "dG W [32x1024]x[1024x256]", m: 32, n: 256, k: 1024 },
  { name: "dG W^T [32x1024]x[1024x256]", m: 32, n: 256, k: 1024, bT: true },
  { name: "dG W packed", m: 32, n: 256, k: 1024, packed: true },
  { name: "f64 512^3", m: 512, n: 512, k: 512, dtype: "f64" },
  { name: "f64 h W^T", m: 32, n: 1024, k: 256, bT: true, dtype: "f64" },
  { name: "f64 dG^T X", m: 1024, n: 256, k: 32, aT: true, dtype: "f64" },
]
  .map((s) => ({ aT: false, bT: false, packed: false, dtype: "f32", ...s }))
  .filter((s) => s.name.includes(filter));

const samplesArg = args.find((a) => a.startsWith("--samples="));
const timing = {
  minTime: quick ? 0.02 : 0.05,
  samples: samplesArg ? Number(samplesArg.slice(10)) : quick ? 3 : 7,
};

/** Best seconds per call of fn over `samples` runs of enough calls to last minTime. */
function bestSeconds(fn, { minTime, samples } = timing) {
  fn();
  let reps = 1;
  let t0 = performance.now();
  for (;;) {
    t0 = performance.now();
    for (let i = 0; i < reps; i++) fn();
    if ((performance.now() - t0) / 1000 >= minTime / 4) break;
    reps *= 2;
  }
  reps = Math.max(1, Math.round((reps * minTime) / Math.max((performance.now() - t0) / 1000, 1e-9)));
  let best = Number.POSITIVE_INFINITY;
  for (let s = 0; s < samples; s++) {
    const t = performance.now();
    for (let i = 0; i < reps; i++) fn();
    best = Math.min(best, (performance.now() - t) / 1000 / reps);
  }
  return best;
}

/** A seeded matrix of `count` uniform values in [-1, 1). */
function filled(Type, count, seed) {
  const out = new Type(count);
  let s = seed >>> 0;
  for (let i = 0; i < count; i++) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    out[i] = s / 2 ** 31 - 1;
  }
  return out;
}

/** The nabla call for a shape, with its operands allocated once. */
function nablaCall(s) {
  const Type = s.dtype === "f32" ? Float32Array : Float64Array;
  const { m, n, k } = s;
  const a = filled(Type, m * k, 1);
  const b = filled(Type, k * n, 2);
  const c = new Type(m * n);
  const [as0, as1] = s.aT ? [1, m] : [k, 1];
  const [bs0, bs1] = s.bT ? [1, k] : [n, 1];
  if (s.packed) {
    const packed = addon.packB(b, 0, bs0, bs1, k, n);
    return () => addon.gemmPacked(a, 0, as0, as1, packed, c, 0, n, m, false);
  }
  return () => addon.gemm(a, 0, as0, as1, b, 0, bs0, bs1, c, 0, n, m, n, k, false);
}

/** GFLOP/s of nabla on shape s with the given thread count. */
function nabla(s, threads) {
  addon.setNumThreads(threads);
  const gflops = (2 * s.m * s.n * s.k) / bestSeconds(nablaCall(s)) / 1e9;
  addon.setNumThreads(0);
  return gflops;
}

/**
 * A PyTorch process (bench/gemm_torch.py) that times the shapes sent to it, or null without torch.
 * It stays up for the whole run so each shape is timed right beside nabla's (the machine is shared:
 * timing one side minutes after the other would compare two different loads).
 */
async function torchProcess(threads) {
  if (args.includes("--no-torch")) return null;
  const env = { ...process.env, OPENBLAS_CORETYPE: "SkylakeX", OPENBLAS_NUM_THREADS: String(threads) };
  const child = spawn("/usr/bin/python3", [join(here, "gemm_torch.py"), String(threads)], { env });
  const lines = createInterface({ input: child.stdout })[Symbol.asyncIterator]();
  let stderr = "";
  child.stderr.on("data", (d) => {
    stderr += d;
  });
  const first = await lines.next();
  if (first.done || first.value !== "ready") {
    console.log(`(PyTorch not measured: ${stderr.trim().split("\n").pop()})`);
    return null;
  }
  return {
    async time(s) {
      const { packed: _, ...shape } = s; // a packed product is compared with torch's plain one
      child.stdin.write(
        `${JSON.stringify({ ...shape, minTime: timing.minTime, samples: timing.samples })}\n`,
      );
      return Number((await lines.next()).value);
    },
    close: () => child.stdin.end(),
  };
}

const cell = (x) => (x === undefined ? "-" : x.toFixed(1)).padStart(8);
const width = Math.max(...shapes.map((s) => s.name.length)) + 1;
const ratio = (x, y) => (x === undefined || y === undefined ? "-" : `${(x / y).toFixed(2)}x`).padStart(8);

const torch = { 1: await torchProcess(1), 2: await torchProcess(2) };
console.log(`nabla gemm on ${addon.gemmIsa()}, ${addon.numThreads()} threads by default`);
console.log(
  "PyTorch: torch.mm with OPENBLAS_CORETYPE=SkylakeX, OPENBLAS_NUM_THREADS=1 (1T) and =2 (2T); GFLOP/s\n",
);
console.log(
  `${"shape".padEnd(width)}${"1T ours".padStart(8)}${"torch".padStart(8)}${"ratio".padStart(8)}` +
    `${"2T ours".padStart(9)}${"torch".padStart(8)}${"ratio".padStart(8)}`,
);
// With --rounds=N every cell is the best over N passes through the table, minutes apart.
const roundsArg = args.find((a) => a.startsWith("--rounds="));
const rounds = roundsArg ? Number(roundsArg.slice(9)) : 1;
const best = new Map();
const keep = (key, x) => best.set(key, Math.max(best.get(key) ?? 0, x ?? 0));
for (let r = 0; r < rounds; r++)
  for (const s of shapes)
    for (const threads of [1, 2]) {
      keep(`${s.name} ${threads} ours`, nabla(s, threads));
      if (torch[threads]) keep(`${s.name} ${threads} torch`, await torch[threads].time(s));
    }
for (const s of shapes) {
  let line = s.name.padEnd(width);
  for (const threads of [1, 2]) {
    const ours = best.get(`${s.name} ${threads} ours`);
    const theirs = best.get(`${s.name} ${threads} torch`);
    line += ` ${cell(ours)}${cell(theirs)}${ratio(ours, theirs)}`;
  }
  console.log(line);
}
torch[1]?.close();
torch[2]?.close();
