import { type CaseResult, IMPLS, type Impl, type Measurement } from "./harness.js";

/** A duration in milliseconds with 3 significant digits and a unit that fits. */
export function formatTime(ms: number): string {
  const [v, unit] =
    ms < 1e-3 ? [ms * 1e6, "ns"] : ms < 1 ? [ms * 1e3, "us"] : ms < 1e3 ? [ms, "ms"] : [ms / 1e3, "s"];
  return `${v >= 100 ? v.toFixed(0) : v.toPrecision(3)} ${unit}`;
}

function formatRate(v: number, unit: string): string {
  const s = v >= 1000 ? Math.round(v).toLocaleString("en-US") : v.toPrecision(3);
  return `${s} ${unit}`;
}

function cell(m: Measurement | undefined, skipped: string | undefined, unit: string | undefined): string {
  if (m === undefined) return skipped === undefined ? "" : "skipped";
  const t = formatTime(m.medianMs);
  const mem = m.peakMB === undefined ? "" : `, ${m.peakMB.toFixed(0)} MB`;
  return m.throughput === undefined || unit === undefined
    ? `${t}${mem}`
    : `${formatRate(m.throughput, unit)} (${t}${mem})`;
}

/** Their time / nabla's (column `of` against column `against`): above 1 means nabla is faster. */
export function ratio(r: CaseResult, of: Impl, against: Impl): number | undefined {
  const n = r.results[against]?.medianMs;
  const t = r.results[of]?.medianMs;
  return n === undefined || t === undefined ? undefined : t / n;
}

const fmtRatio = (x: number | undefined) => (x === undefined ? "" : `${x.toPrecision(3)}x`);

/** The results as a Markdown table (it reads as plain text too). */
export function table(results: readonly CaseResult[]): string {
  const head = [
    "case",
    ...IMPLS,
    "torch/nabla",
    "torch-1t/nabla-1t",
    "tfjs-wasm/nabla",
    "tfjs-cpu/nabla",
    "note",
  ];
  const rows = results.map((r) => [
    r.name,
    ...IMPLS.map((i) => cell(r.results[i], r.skipped[i], r.throughputUnit)),
    fmtRatio(ratio(r, "torch", "nabla")),
    fmtRatio(ratio(r, "torch-1t", "nabla-1t")),
    fmtRatio(ratio(r, "tfjs-wasm", "nabla")),
    fmtRatio(ratio(r, "tfjs-cpu", "nabla")),
    r.note ?? "",
  ]);
  const widths = head.map((h, c) => Math.max(h.length, ...rows.map((row) => row[c]!.length)));
  const line = (cells: string[]) => `| ${cells.map((x, c) => x.padEnd(widths[c]!)).join(" | ")} |`;
  const rule = `| ${widths.map((w) => "-".repeat(w)).join(" | ")} |`;
  const skips = results.flatMap((r) =>
    IMPLS.flatMap((i) => (r.skipped[i] === undefined ? [] : [`${r.name} [${i}]: ${r.skipped[i]}`])),
  );
  return [line(head), rule, ...rows.map(line), ...(skips.length ? ["", ...skips] : [])].join("\n");
}
