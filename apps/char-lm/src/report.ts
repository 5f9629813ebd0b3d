import { type Series, svgChart } from "./plot.js";

/** One line of metrics.jsonl for a training step. */
export interface StepRecord {
  kind: "train";
  step: number;
  loss: number;
  lr: number;
  /** Global gradient norm before clipping. */
  gradNorm: number;
  clipped: boolean;
  /** Each parameter tensor's gradient norm before clipping. */
  gradNorms: Record<string, number>;
  charsPerSec: number;
  backend: string;
  /** Seconds since the run began (summed over resumes). */
  elapsed: number;
}

/** One line of metrics.jsonl for an evaluation. */
export interface EvalRecord {
  kind: "eval";
  step: number;
  valLoss: number;
  /** Characters the validation loss was measured on. */
  chars: number;
  elapsed: number;
}

export type MetricRecord = StepRecord | EvalRecord;

/** The mean of the last `window` values at each point (the first points average what there is). */
export function runningMean(points: readonly [number, number][], window: number): [number, number][] {
  let acc = 0;
  return points.map(([x, y], i) => {
    acc += y;
    if (i >= window) acc -= points[i - window]![1];
    return [x, acc / Math.min(i + 1, window)];
  });
}

/** The loss curves: training loss (25-step running mean) and validation loss. */
export function lossSeries(records: readonly MetricRecord[]): Series[] {
  const train = records.filter((r): r is StepRecord => r.kind === "train");
  const evals = records.filter((r): r is EvalRecord => r.kind === "eval");
  return [
    {
      name: "train (25-step mean)",
      points: runningMean(
        train.map((r) => [r.step, r.loss]),
        25,
      ),
    },
    { name: "validation", points: evals.map((r) => [r.step, r.valLoss]) },
  ];
}

/** The gradient-health series: global norm, clip threshold, fraction clipped, each parameter's norm, lr. */
export function healthSeries(records: readonly MetricRecord[], clip: number) {
  const train = records.filter((r): r is StepRecord => r.kind === "train");
  const names = Object.keys(train[0]?.gradNorms ?? {});
  const first = train[0]?.step ?? 0;
  const last = train.at(-1)?.step ?? 1;
  return {
    gradNorm: [
      {
        name: "global norm before clipping",
        points: train.map((r) => [r.step, r.gradNorm] as [number, number]),
      },
      {
        name: `clip threshold (${clip})`,
        points: [
          [first, clip],
          [last, clip],
        ] as [number, number][],
        dashed: true,
      },
    ] satisfies Series[],
    clipped: [
      {
        name: "steps clipped (50-step window)",
        points: runningMean(
          train.map((r) => [r.step, r.clipped ? 1 : 0]),
          50,
        ),
      },
    ] satisfies Series[],
    perParam: names.map((n) => ({
      name: n,
      points: train.map((r) => [r.step, r.gradNorms[n] ?? 0] as [number, number]),
    })),
    lr: [
      { name: "learning rate", points: train.map((r) => [r.step, r.lr] as [number, number]) },
    ] satisfies Series[],
  };
}

const esc = (s: string) => s.replace(/&/g, "&amp;").replace(/</g, "&lt;");

/**
 * The run's report: a summary table, the loss curves and the gradient health (global norm before
 * clipping against the threshold, the fraction of steps clipped, each parameter tensor's norm,
 * the learning rate), as one self-contained HTML page with inline SVG charts.
 */
export function renderReport(
  records: readonly MetricRecord[],
  opts: { title: string; clip: number; summary: [string, string][] },
): string {
  const h = healthSeries(records, opts.clip);
  const charts = [
    svgChart(lossSeries(records), { title: "Loss", xLabel: "step", yLabel: "cross-entropy (nats/char)" }),
    svgChart(h.gradNorm, {
      title: "Gradient norm before clipping",
      xLabel: "step",
      yLabel: "global L2 norm",
      logY: true,
    }),
    svgChart(h.clipped, {
      title: "Fraction of steps clipped",
      xLabel: "step",
      yLabel: "fraction",
      height: 260,
      yRange: [0, 1],
    }),
    svgChart(h.perParam, {
      title: "Gradient norm of each parameter tensor",
      xLabel: "step",
      yLabel: "L2 norm",
      logY: true,
      height: 420,
    }),
    svgChart(h.lr, { title: "Learning rate", xLabel: "step", yLabel: "lr", height: 260 }),
  ];
  const rows = opts.summary.map(([k, v]) => `<tr><th>${esc(k)}</th><td>${esc(v)}</td></tr>`).join("\n");
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>${esc(opts.title)}</title>
<style>
body { font-family: system-ui, sans-serif; max-width: 760px; margin: 24px auto; padding: 0 16px; color: #1d2433; }
table { border-collapse: collapse; margin-bottom: 16px; }
th, td { text-align: left; padding: 2px 12px 2px 0; font-weight: normal; }
th { color: #666; }
svg { display: block; margin: 12px 0; max-width: 100%; height: auto; }
</style>
</head>
<body>
<h1>${esc(opts.title)}</h1>
<table>
${rows}
</table>
${charts.join("\n")}
</body>
</html>
`;
}
