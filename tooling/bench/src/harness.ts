/**
 * The columns a case can fill: nabla on its default backend (native in Node, every core), held
 * to one thread, and on WebAssembly; PyTorch at its best here and held to one core; TensorFlow.js
 * on its two CPU backends.
 */
export const IMPLS = [
  "nabla",
  "nabla-1t",
  "nabla-wasm",
  "torch",
  "torch-1t",
  "tfjs-wasm",
  "tfjs-cpu",
] as const;
export type Impl = (typeof IMPLS)[number];

/**
 * One prepared benchmark body: `run` is timed, `dispose` frees what setup allocated. With a
 * `baseline`, batches of `run` and `baseline` alternate, so the difference between the two is
 * measured under the same conditions (GC state, JIT state, machine load).
 */
export interface Bench {
  run: () => void;
  baseline?: () => void;
  dispose?: () => void;
}

/** A derived throughput: `work` units per iteration, shown as `work / seconds` in `unit`. */
export interface Throughput {
  unit: string;
  work: number;
}

/** A benchmark case: one row of the table. */
export interface Case {
  name: string;
  /** What is measured, for the README and the JSON. */
  description: string;
  throughput?: Throughput;
  /**
   * Per implementation, a setup that allocates inputs and returns the body to time, or a string
   * saying why this implementation is skipped. Called after the tfjs backend is selected.
   */
  setup: Partial<Record<Impl, () => Bench | string | Promise<Bench | string>>>;
  /** Take the nabla column from this other case (same work, measured once). */
  nablaFrom?: string;
  /** Also run the nabla setup held to one thread (nabla-1t) and on the wasm backend (nabla-wasm). */
  variants?: boolean;
  /** The same work for PyTorch's server (tooling/bench/torch/server.py), for both torch columns. */
  torch?: Record<string, unknown>;
  /** Columns measured elsewhere (a child process), returned as they are. */
  external?: Partial<Record<Impl, () => Measurement | string | Promise<Measurement | string>>>;
  /** Extra text for the note column, computed from all results so far. */
  note?: (results: ReadonlyMap<string, CaseResult>) => string;
}

/** Timing of one implementation on one case. */
export interface Measurement {
  /** Median over samples of the time per iteration, in milliseconds. */
  medianMs: number;
  minMs: number;
  samples: number;
  /** Iterations per sample (batched so a sample lasts long enough to time). */
  batch: number;
  /** `throughput.work / seconds` at the median, when the case has a throughput. */
  throughput?: number;
  /** Median time per call of the bench's `baseline`, timed in alternation with `run`. */
  baselineMs?: number;
  /** Peak resident memory of the process that ran it alone (char-LM cases), in MB. */
  peakMB?: number;
}

export interface CaseResult {
  name: string;
  description: string;
  throughputUnit?: string;
  results: Partial<Record<Impl, Measurement>>;
  skipped: Partial<Record<Impl, string>>;
  note?: string;
}

export interface MeasureOptions {
  /** Keep sampling until this much time is spent (after warm-up). */
  targetMs: number;
  /** Warm-up time (at least one call) so the JIT has compiled the hot paths. */
  warmupMs: number;
  /** Take at least this many samples even when one call exceeds `targetMs`... */
  minSamples: number;
  /** ...unless they would take longer than this (then at least one sample is taken). */
  budgetMs: number;
}

export const FULL: MeasureOptions = { targetMs: 750, warmupMs: 400, minSamples: 3, budgetMs: 10_000 };
export const QUICK: MeasureOptions = { targetMs: 200, warmupMs: 150, minSamples: 1, budgetMs: 200 };

function timeBatch(fn: () => void, n: number): number {
  const t0 = performance.now();
  for (let i = 0; i < n; i++) fn();
  return performance.now() - t0;
}

function median(xs: number[]): number {
  const s = xs.slice().sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 === 1 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}

/**
 * Times `bench.run`: warm-up (>= 3 calls and `warmupMs`), then batches of calls sized to ~1/20 of
 * the target (at least 1 call), repeated until `targetMs` has elapsed and `minSamples` are taken
 * (or `budgetMs` is spent); reports the median time per call over the batches. A `baseline` gets
 * the same warm-up and batch size, its batches alternating with those of `run`.
 */
export function measure(bench: Bench, opts: MeasureOptions): Measurement {
  const { run, baseline } = bench;
  let warm = 0;
  let calls = 0;
  let last = Infinity;
  // At least 3 calls (JIT tiers up over the first few), unless one call already exceeds the target.
  while ((calls < 3 || warm < opts.warmupMs) && !(calls > 0 && last > opts.targetMs)) {
    last = timeBatch(run, 1);
    if (baseline) timeBatch(baseline, 1);
    warm += last;
    calls++;
  }
  // Size batches from the warm-up's steady-state cost so tiny ops are timed over many calls.
  const perCall = Math.max(Math.min(last, warm / calls), 1e-4);
  const batch = Math.max(1, Math.round(opts.targetMs / 20 / perCall));
  const samples: number[] = [];
  const base: number[] = [];
  let spent = 0;
  while (
    (spent < opts.targetMs || samples.length < opts.minSamples) &&
    !(samples.length > 0 && spent >= opts.budgetMs)
  ) {
    const t = timeBatch(run, batch);
    spent += t;
    samples.push(t / batch);
    if (baseline) base.push(timeBatch(baseline, batch) / batch);
  }
  const m: Measurement = {
    medianMs: median(samples),
    minMs: Math.min(...samples),
    samples: samples.length,
    batch,
  };
  if (baseline) m.baselineMs = median(base);
  return m;
}
