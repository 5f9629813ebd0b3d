import { mkdirSync, writeFileSync } from "node:fs";
import { cpus, platform, release, totalmem } from "node:os";
import { fileURLToPath } from "node:url";
import { createWasmBackend, getBackend, getNumThreads, setBackend, setNumThreads } from "@nablajs/tensor";
import { addCases } from "./cases/add.js";
import { attentionCases } from "./cases/attention.js";
import { charLmCases } from "./cases/charlm.js";
import { lstmCases } from "./cases/lstm.js";
import { matmulCases } from "./cases/matmul.js";
import { mlpCases } from "./cases/mlp.js";
import { recordingCases } from "./cases/recording.js";
import {
  type Case,
  type CaseResult,
  FULL,
  IMPLS,
  type Impl,
  type Measurement,
  type MeasureOptions,
  measure,
  QUICK,
} from "./harness.js";
import { formatTime, ratio, table } from "./report.js";
import { initTfjs, liveTensors, selectBackend } from "./tfjs.js";
import { stopTorch, type TorchImpl, torchTime, torchVersion } from "./torch.js";

/**
 * Runs `fn` with nabla set up as column `impl` asks: its default backend, held to one thread
 * (the native addon's pool), or on the WebAssembly backend. A string says why it cannot.
 */
async function asNabla<T>(impl: Impl, fn: () => Promise<T>): Promise<T | string> {
  if (impl === "nabla") return fn();
  if (impl === "nabla-wasm") {
    const wasm = createWasmBackend();
    if (wasm === null) return "no WebAssembly SIMD here";
    const prev = getBackend();
    setBackend(wasm);
    try {
      return await fn();
    } finally {
      setBackend(prev);
    }
  }
  if (getBackend().name !== "native") return "the native backend is not running";
  setNumThreads(1);
  try {
    return await fn();
  } finally {
    setNumThreads(0);
  }
}

const ALL: Case[] = [
  ...matmulCases,
  ...addCases,
  ...recordingCases,
  ...mlpCases,
  ...lstmCases,
  ...charLmCases,
  ...attentionCases,
];

const USAGE = `usage: pnpm bench [-- [--quick] [--list] [filter ...]]
  filter   run only cases whose name contains one of the filters (e.g. matmul, lstm)
  --quick  short runs (~0.15 s per measurement instead of ~0.75 s)
  --list   print the case names and exit`;

/** Runs one implementation of one case; a string result says why it was skipped. */
async function runImpl(c: Case, impl: Impl, opts: MeasureOptions): Promise<Measurement | string> {
  const external = c.external?.[impl];
  if (external !== undefined) return external();
  if (impl === "torch" || impl === "torch-1t") {
    if (c.torch === undefined) return "no such implementation";
    const ms = await torchTime(impl as TorchImpl, c.torch);
    return typeof ms === "string" ? ms : { medianMs: ms, minMs: ms, samples: 1, batch: 1 };
  }
  const nabla = impl.startsWith("nabla");
  if (nabla && impl !== "nabla" && !c.variants) return "no such implementation";
  const setup = nabla ? c.setup.nabla : c.setup[impl];
  if (setup === undefined) return "no such implementation";
  await selectBackend(impl);
  const live = liveTensors();
  try {
    const run = async (): Promise<Measurement | string> => {
      const bench = await setup();
      if (typeof bench === "string") return bench;
      const m = measure(bench, opts);
      bench.dispose?.();
      return m;
    };
    const m = nabla ? await asNabla(impl, run) : await run();
    if (typeof m === "string") return m;
    const leaked = liveTensors() - live;
    if (!nabla && leaked > 0) console.error(`  warning: ${c.name} [${impl}] leaked ${leaked} tfjs tensors`);
    return m;
  } catch (e) {
    return `error: ${e instanceof Error ? e.message : String(e)}`;
  }
}

async function runCase(c: Case, done: Map<string, CaseResult>, opts: MeasureOptions): Promise<CaseResult> {
  const r: CaseResult = { name: c.name, description: c.description, results: {}, skipped: {} };
  if (c.throughput) r.throughputUnit = c.throughput.unit;
  for (const impl of IMPLS) {
    let m: Measurement | string | undefined;
    if (impl === "nabla" && c.nablaFrom !== undefined) {
      const from = done.get(c.nablaFrom);
      const source = ALL.find((x) => x.name === c.nablaFrom)!;
      m = from?.results.nabla ?? from?.skipped.nabla ?? (await runImpl(source, impl, opts));
    } else {
      m = await runImpl(c, impl, opts);
    }
    if (m === "no such implementation") m = undefined;
    if (typeof m === "string") r.skipped[impl] = m;
    else if (m !== undefined) {
      if (c.throughput && m.throughput === undefined) m.throughput = c.throughput.work / (m.medianMs / 1e3);
      r.results[impl] = m;
    }
    const shown = typeof m === "string" ? m : m === undefined ? undefined : formatTime(m.medianMs);
    if (shown !== undefined) console.error(`  ${c.name} [${impl}]: ${shown}`);
  }
  done.set(c.name, r);
  if (c.note) r.note = c.note(done);
  return r;
}

/** Whether @nablajs/tensor resolved to the built bundle (dist) or to the TypeScript sources. */
function nablaCode(): string {
  try {
    const url = import.meta.resolve("@nablajs/tensor");
    return url.includes("/dist/") ? "built dist" : url.includes("/src/") ? "TypeScript sources" : url;
  } catch {
    return "unknown code path";
  }
}

async function main(): Promise<void> {
  const args = process.argv.slice(2).filter((a) => a !== "--");
  if (args.includes("--help") || args.includes("-h")) return console.log(USAGE);
  if (args.includes("--list")) return console.log(ALL.map((c) => c.name).join("\n"));
  const unknown = args.filter((a) => a.startsWith("-") && a !== "--quick");
  if (unknown.length > 0) throw new Error(`bench: unknown option ${unknown.join(" ")}\n${USAGE}`);
  const quick = args.includes("--quick");
  const filters = args.filter((a) => !a.startsWith("-"));
  const selected = filters.length === 0 ? ALL : ALL.filter((c) => filters.some((f) => c.name.includes(f)));
  if (selected.length === 0) throw new Error(`bench: no case matches ${filters.join(", ")} (try --list)`);

  const tfjs = await initTfjs();
  const machine = {
    date: new Date().toISOString(),
    node: process.version,
    v8: process.versions.v8,
    cpu: cpus()[0]?.model ?? "unknown",
    cores: cpus().length,
    memoryGB: Math.round(totalmem() / 2 ** 30),
    os: `${platform()} ${release()}`,
    nablaBackend: getBackend().name,
    nablaCode: nablaCode(),
    tfjs: tfjs.version,
    tfjsWasmSimd: tfjs.wasmSimd,
    torch: torchVersion(),
    nablaThreads: getNumThreads(),
  };
  console.log(`nabla bench  ${machine.date}`);
  console.log(`node ${machine.node} (V8 ${machine.v8}), ${machine.os}`);
  console.log(`cpu: ${machine.cpu} x${machine.cores}, ${machine.memoryGB} GB`);
  console.log(
    `nabla: ${machine.nablaBackend} backend, ${machine.nablaThreads} threads, ${machine.nablaCode}`,
  );
  console.log(`tfjs ${machine.tfjs} (wasm SIMD ${tfjs.wasmSimd ? "on" : "off"}, 1 thread)`);
  console.log(
    machine.torch === null
      ? "PyTorch: not installed, its columns are empty (apt-get install python3-torch)"
      : `PyTorch ${machine.torch}: "torch" = OPENBLAS_CORETYPE=SkylakeX, OpenBLAS on every core; "torch-1t" = also OPENBLAS_NUM_THREADS=1`,
  );
  console.log(
    `${quick ? "quick" : "full"} run: median time per iteration; ratios = their time / nabla's (>1: nabla faster)\n`,
  );

  const opts = quick ? QUICK : FULL;
  const done = new Map<string, CaseResult>();
  const results: CaseResult[] = [];
  for (const c of selected) results.push(await runCase(c, done, opts));

  stopTorch();
  console.log(table(results));
  const file = fileURLToPath(new URL("../results/latest.json", import.meta.url));
  mkdirSync(fileURLToPath(new URL("../results/", import.meta.url)), { recursive: true });
  const json = results.map((r) => ({
    ...r,
    ratio: {
      torch: ratio(r, "torch", "nabla"),
      torch1t: ratio(r, "torch-1t", "nabla-1t"),
      tfjsWasm: ratio(r, "tfjs-wasm", "nabla"),
      tfjsCpu: ratio(r, "tfjs-cpu", "nabla"),
    },
  }));
  writeFileSync(
    file,
    `${JSON.stringify({ machine, quick, filters, options: opts, cases: json }, null, 2)}\n`,
  );
  console.log(`\nwrote ${file}`);
}

main().catch((e: unknown) => {
  console.error(e instanceof Error ? e.message : e);
  process.exitCode = 1;
});
