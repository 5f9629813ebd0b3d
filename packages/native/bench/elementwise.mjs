// Elementwise kernels of the built addon against the JS and wasm backends of @nablajs/tensor
// (its built dist: `cd packages/tensor && npx tsup`) and PyTorch on one thread, in ns/element
// (and ns per call for the small cases). Every figure is the best of 7 samples of >= 50 ms.
//   node bench/elementwise.mjs [--quick] [--no-torch] [--repeat=N] [--cpu] [filter]
import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

const here = dirname(fileURLToPath(import.meta.url));
const addon = createRequire(import.meta.url)(
  process.env.NABLA_ADDON ?? join(here, "..", "build", "Release", "nabla_native.node"),
);
const args = process.argv.slice(2);
const quick = args.includes("--quick");
const filter = args.find((a) => !a.startsWith("--")) ?? "";
const dist = join(here, "..", "..", "tensor", "dist", "index.js");
const tensor = existsSync(dist) ? await import(pathToFileURL(dist).href) : null;
const js = tensor?.jsBackend ?? null;
const wasm = tensor?.createWasmBackend() ?? null;

// --cpu: time by the process's CPU time instead of the wall clock (robust on a machine shared
// with other processes, as long as one thread does the work).
const cpu = args.includes("--cpu");
const now = cpu
  ? () => {
      const u = process.cpuUsage();
      return (u.user + u.system) / 1000;
    }
  : () => performance.now();

/** Best seconds per call of fn over `samples` runs of enough calls to last minTime. */
function bestSeconds(fn, minTime = quick ? 0.02 : 0.05, samples = quick ? 3 : 7) {
  fn();
  let reps = 1;
  let t0 = now();
  for (;;) {
    t0 = now();
    for (let i = 0; i < reps; i++) fn();
    if ((now() - t0) / 1000 >= minTime / 4) break;
    reps *= 2;
  }
  reps = Math.max(1, Math.round((reps * minTime) / Math.max((now() - t0) / 1000, 1e-9)));
  let best = Number.POSITIVE_INFINITY;
  for (let s = 0; s < samples; s++) {
    const t = now();
    for (let i = 0; i < reps; i++) fn();
    best = Math.min(best, (now() - t) / 1000 / reps);
  }
  return best;
}

/** `count` seeded values, uniform in [lo, hi). */
function filled(count, seed, lo = -4, hi = 4) {
  const out = new Float32Array(count);
  let s = seed >>> 0;
  for (let i = 0; i < count; i++) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    out[i] = lo + (hi - lo) * (s / 2 ** 32);
  }
  return out;
}

const view = (data, shape, strides = rowMajor(shape), offset = 0) => ({ data, shape, strides, offset });
function rowMajor(shape) {
  const s = [];
  for (let i = shape.length - 1, m = 1; i >= 0; i--) {
    s[i] = m;
    m *= shape[i];
  }
  return s;
}

const layout = new Int32Array(150);
const lb = layout.buffer;
/** An addon call on views, packing the layout as an adapter would (src/elementwise-views.ts). */
const native = {
  unary: (op, x, out) => {
    pack(x.shape, [x], out, 0);
    addon.unary(op, x.data.buffer, out.buffer, lb);
  },
  binary: (op, a, b, out) => {
    pack(a.shape, [a, b], out, 0);
    addon.binary(op, a.data.buffer, b.data.buffer, out.buffer, lb);
  },
  reduce: (op, x, axes, out) => {
    pack(
      x.shape,
      [x],
      out,
      axes.reduce((m, a) => m | (1 << a), 0),
    );
    addon.reduce(op, x.data.buffer, out.buffer, lb);
  },
};
function pack(shape, views, out, extra) {
  const nd = shape.length;
  layout[0] = nd;
  layout[1] = extra;
  let p = 2;
  for (let j = 0; j < views.length; j++) p = describe(p, views[j].data);
  p = describe(p, out);
  for (let j = 0; j < views.length; j++) layout[p++] = views[j].offset;
  for (let d = 0; d < nd; d++) layout[p++] = shape[d];
  for (let j = 0; j < views.length; j++) for (let d = 0; d < nd; d++) layout[p++] = views[j].strides[d];
}
function describe(p, a) {
  layout[p] = a instanceof Float32Array ? 0 : a instanceof Float64Array ? 1 : 2;
  layout[p + 1] = a.byteOffset / a.BYTES_PER_ELEMENT;
  layout[p + 2] = a.length;
  return p + 3;
}

const N = 1 << 20;
const x = view(filled(N, 1), [N]);
const pos = view(filled(N, 2, 1e-3, 8), [N]);
const y = new Float32Array(N);
const a = view(filled(32 * 256, 3), [32, 256]);
const bias = view(filled(256, 4), [32, 256], [0, 1]);
const ab = new Float32Array(32 * 256);
const m = view(filled(2048 * 65, 5), [2048, 65]);
const mo = new Float32Array(2048);
const g = view(filled(2048 * 256, 6), [2048, 256]);
const go = new Float32Array(256);
const small = view(filled(8, 7), [8]);
const so = new Float32Array(8);
const s1 = new Float32Array(1);
const unaryCase = (name, op, arg = x) => ({
  name,
  elements: N,
  native: () => native.unary(op.code, arg, y),
  js: () => js.unary(op.name, arg, y),
  wasm: () => wasm.unary(op.name, arg, y),
});

// op codes as src/elementwise.ts exports them
const UNARY = { exp: 1, log: 2, sin: 3, tanh: 5, sigmoid: 6, relu: 7 };
const cases = [
  ...["exp", "tanh", "sigmoid", "relu", "sin"].map((op) =>
    unaryCase(`${op} 1M`, { code: UNARY[op], name: op }),
  ),
  unaryCase("log 1M", { code: UNARY.log, name: "log" }, pos),
  {
    name: "add 1M",
    elements: N,
    native: () => native.binary(0, x, x, y),
    js: () => js.binary("add", x, x, y),
  },
  {
    name: "add [32,256]+[256]",
    elements: 32 * 256,
    native: () => native.binary(0, a, bias, ab),
    js: () => js.binary("add", a, bias, ab),
  },
  {
    name: "sum 1M",
    elements: N,
    native: () => native.reduce(0, x, [0], s1),
    js: () => js.reduce("sum", x, [0], s1),
  },
  {
    name: "amax rows [2048,65]",
    elements: 2048 * 65,
    native: () => native.reduce(1, m, [1], mo),
    js: () => js.reduce("max", m, [1], mo),
  },
  {
    name: "sum cols [2048,256]",
    elements: 2048 * 256,
    native: () => native.reduce(0, g, [0], go),
    js: () => js.reduce("sum", g, [0], go),
  },
  {
    name: "add 8",
    elements: 8,
    native: () => native.binary(0, small, small, so),
    js: () => js.binary("add", small, small, so),
  },
  { name: "add 8 (preset layout)", elements: 8, native: presetAdd() },
].filter((c) => c.name.includes(filter));

/** The bare addon call: the layout written once, as a caller that reuses it would. */
function presetAdd() {
  const l = new Int32Array([1, 0, 0, 0, 8, 0, 0, 8, 0, 0, 8, 0, 0, 8, 1, 1]).buffer;
  const [sb, ob] = [small.data.buffer, so.buffer];
  return () => addon.binary(0, sb, sb, ob, l);
}

function torch() {
  if (args.includes("--no-torch")) return null;
  const r = spawnSync(
    "/usr/bin/python3",
    [join(here, "elementwise_torch.py"), JSON.stringify(cases.map((c) => c.name)), cpu ? "cpu" : "wall"],
    {
      encoding: "utf8",
    },
  );
  if (r.status !== 0) {
    console.warn(`PyTorch skipped: ${(r.stderr || r.error?.message || "").trim().split("\n").pop()}`);
    return null;
  }
  return JSON.parse(r.stdout);
}

const isas = (() => {
  addon.setElementwiseIsa("auto");
  const best = addon.elementwiseIsa();
  return best === "avx512" ? ["avx512", "avx2", "scalar"] : best === "avx2" ? ["avx2", "scalar"] : ["scalar"];
})();
// Everything is measured `repeat` times (--repeat=N, default 1), keeping each figure's best: on a
// shared machine the least disturbed run is the truest.
const repeat = Number(args.find((a) => a.startsWith("--repeat="))?.slice(9) ?? 1);
const threads = addon.numThreads();
const rows = cases.map((c) => ({ c, t: {} }));
const keep = (t, k, sec) => {
  t[k] = Math.min(t[k] ?? Number.POSITIVE_INFINITY, sec);
};
let theirs = null;
for (let r = 0; r < repeat; r++) {
  for (const { c, t } of rows) {
    addon.setNumThreads(1);
    for (const isa of isas) {
      addon.setElementwiseIsa(isa);
      keep(t, isa, bestSeconds(c.native));
    }
    addon.setElementwiseIsa("auto");
    addon.setNumThreads(threads);
    if (threads > 1 && !cpu && c.elements >= 1 << 16)
      keep(t, `${isas[0]} ${threads}T`, bestSeconds(c.native));
    if (c.js && js) keep(t, "js", bestSeconds(c.js));
    if (c.wasm && wasm) keep(t, "wasm", bestSeconds(c.wasm));
  }
  const once = torch();
  for (const [name, sec] of Object.entries(once ?? {})) {
    theirs ??= {};
    theirs[name] = Math.min(theirs[name] ?? Number.POSITIVE_INFINITY, sec);
  }
}

const cols = [...isas, `${isas[0]} ${threads}T`, "js", "wasm", "torch"];
const fmt = (sec, c) => {
  if (sec === undefined) return "-".padStart(11);
  return (
    c.elements >= 1024 ? `${((sec * 1e9) / c.elements).toFixed(3)}` : `${(sec * 1e9).toFixed(0)}`
  ).padStart(11);
};
console.log(
  `ns per element (ns per call for the 8-element add), one thread (${isas[0]} ${threads}T: the pool's ${threads});`,
  `torch: PyTorch 1.13 on one thread; vs torch: torch / ${isas[0]}; timed by ${cpu ? "CPU time" : "wall clock"}\n`,
);
console.log(`${"case".padEnd(24)}${cols.map((c) => c.padStart(11)).join("")}${"vs torch".padStart(10)}`);
for (const { c, t } of rows) {
  if (theirs?.[c.name] !== undefined) t.torch = theirs[c.name];
  const ratio = t.torch ? `${(t.torch / t[isas[0]]).toFixed(2)}x` : "-";
  console.log(`${c.name.padEnd(24)}${cols.map((k) => fmt(t[k], c)).join("")}${ratio.padStart(10)}`);
}
