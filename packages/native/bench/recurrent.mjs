// Speed of the fused recurrent kernels of the built addon against PyTorch's nn.LSTM / nn.GRU: one
// layer direction's forward and backward (BPTT, every gradient) on the char-LM shapes, in ms and
// in characters per second (T B / time of forward + backward), on one and on two threads.
//   node bench/recurrent.mjs [--quick] [--no-torch] [filter]
// Each figure is the fastest of many calls (the machine is shared: the least disturbed call).
// PyTorch runs in two child processes (bench/recurrent_torch.py) with OPENBLAS_CORETYPE=SkylakeX
// (its AVX-512 kernels): OPENBLAS_NUM_THREADS=1 on one core, 2 on both; each case is timed on
// both sides one right after the other.
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
const calls = quick ? 5 : 20;

const cases = [
  { name: "LSTM 1x256", kind: "LSTM", T: 64, B: 32, I: 64, H: 256 },
  { name: "GRU 1x256", kind: "GRU", T: 64, B: 32, I: 64, H: 256 },
  { name: "LSTM 512, layer 1", kind: "LSTM", T: 64, B: 32, I: 64, H: 512 },
  { name: "LSTM 512, layer 2", kind: "LSTM", T: 64, B: 32, I: 512, H: 512 },
].filter((c) => c.name.includes(filter));

/** The fastest of `calls` runs of fn, in seconds. */
function best(fn) {
  fn();
  let out = Number.POSITIVE_INFINITY;
  for (let i = 0; i < calls; i++) {
    const t = performance.now();
    fn();
    out = Math.min(out, (performance.now() - t) / 1000);
  }
  return out;
}

/** n seeded values uniform in +-scale. */
function filled(n, scale, seed) {
  const out = new Float32Array(n);
  let s = seed >>> 0;
  for (let i = 0; i < n; i++) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    out[i] = (s / 2 ** 31 - 1) * scale;
  }
  return out;
}

/** Best seconds of nabla's forward and of forward + backward on case c with `threads` threads. */
function nabla(c, threads) {
  const { kind, T, B, I, H } = c;
  const G = kind === "LSTM" ? 4 : 3;
  const lstm = kind === "LSTM";
  const k = 1 / Math.sqrt(H);
  const [x, h0, c0] = [filled(T * B * I, 1, 1), filled(B * H, 1, 2), lstm ? filled(B * H, 1, 3) : null];
  const [wih, whh, bih, bhh] = [
    filled(G * H * I, k, 4),
    filled(G * H * H, k, 5),
    filled(G * H, k, 6),
    filled(G * H, k, 7),
  ];
  const [dy, dhn, dcn] = [filled(T * B * H, 1, 8), filled(B * H, 1, 9), lstm ? filled(B * H, 1, 10) : null];
  // Outputs allocated per call, as the backend will (the garbage collector frees them).
  const f32 = (n) => new Float32Array(n);
  const savedLength = addon.recurrentSavedLength(kind, T, B, H);
  let saved = null;
  const forward = () => {
    saved = f32(savedLength);
    addon.recurrentForward(
      kind,
      T,
      B,
      I,
      H,
      false,
      null,
      x,
      h0,
      c0,
      wih,
      whh,
      bih,
      bhh,
      f32(T * B * H),
      f32(B * H),
      lstm ? f32(B * H) : null,
      saved,
    );
  };
  const backward = () =>
    addon.recurrentBackward(
      kind,
      T,
      B,
      I,
      H,
      false,
      null,
      x,
      wih,
      whh,
      saved,
      dy,
      dhn,
      dcn,
      f32(T * B * I),
      f32(B * H),
      lstm ? f32(B * H) : null,
      f32(G * H * I),
      f32(G * H * H),
      f32(G * H),
      f32(G * H),
    );
  addon.setNumThreads(threads);
  const out = {
    forward: best(() => forward()),
    total: best(() => {
      forward();
      backward();
    }),
  };
  addon.setNumThreads(0);
  return out;
}

/** A PyTorch process (bench/recurrent_torch.py) on `threads` threads, or null without torch. */
async function torchProcess(threads) {
  if (args.includes("--no-torch")) return null;
  const env = { ...process.env, OPENBLAS_CORETYPE: "SkylakeX", OPENBLAS_NUM_THREADS: String(threads) };
  const child = spawn("/usr/bin/python3", [join(here, "recurrent_torch.py"), String(threads)], { env });
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
    async time(c) {
      child.stdin.write(`${JSON.stringify({ ...c, calls })}\n`);
      const r = await lines.next();
      return JSON.parse(r.value);
    },
    close: () => child.stdin.end(),
  };
}

const ms = (s) => (s * 1000).toFixed(2).padStart(7);
const rate = (c, s) => String(Math.round((c.T * c.B) / s)).padStart(7);

console.log(
  `isa ${addon.isa()}, gemm ${addon.gemmIsa()}; fastest of ${calls} calls; ms, and chars/s = T B / (forward + backward)`,
);
const torch1 = await torchProcess(1);
const torch2 = await torchProcess(2);
for (const c of cases) {
  console.log(`\n${c.name}: T ${c.T}, B ${c.B}, I ${c.I}, H ${c.H}`);
  console.log("                           forward  fwd+bwd  chars/s");
  for (const threads of [1, 2]) {
    // PyTorch's threads spin for a while after its last call: let them go idle first.
    await new Promise((done) => setTimeout(done, 300));
    const r = nabla(c, threads);
    console.log(
      `  nabla, ${threads} thread${threads > 1 ? "s" : " "}         ${ms(r.forward)}  ${ms(r.total)}  ${rate(c, r.total)}`,
    );
    const t = threads === 1 ? torch1 : torch2;
    if (t === null) continue;
    const p = await t.time(c);
    const label = threads === 1 ? "PyTorch, 1 core   " : "PyTorch, 2 cores  ";
    console.log(`  ${label}       ${ms(p.forward)}  ${ms(p.total)}  ${rate(c, p.total)}`);
  }
}
torch1?.close();
torch2?.close();
