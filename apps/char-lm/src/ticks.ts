/**
 * About `count` round tick values covering [lo, hi]: multiples of 1, 2 or 5 times a power of ten
 * (0, 250, 500, ... rather than 0, 337, 675, ...), as d3's ticks.
 */
export function niceTicks(lo: number, hi: number, count = 5): number[] {
  if (!(hi > lo)) return [lo];
  const step = niceStep(lo, hi, count);
  const ticks: number[] = [];
  for (let i = Math.ceil(lo / step - 1e-9); i * step <= hi + step * 1e-9; i++)
    ticks.push(round(i * step, step));
  return ticks;
}

/**
 * The round step (1, 2 or 5 times a power of ten) that cuts [lo, hi] into the number of parts
 * nearest `count` (d3's rule: move up from 1 to 2 past sqrt(2), to 5 past sqrt(10), to 10 past sqrt(50)).
 */
export function niceStep(lo: number, hi: number, count = 5): number {
  const raw = (hi - lo) / Math.max(1, count);
  if (!(raw > 0)) return 1;
  const power = 10 ** Math.floor(Math.log10(raw));
  const err = raw / power;
  return power * (err >= Math.sqrt(50) ? 10 : err >= Math.sqrt(10) ? 5 : err >= Math.SQRT2 ? 2 : 1);
}

/** [lo, hi] widened to whole steps of `niceStep`, so the axis starts and ends on a tick. */
export function niceDomain(lo: number, hi: number, count = 5): [number, number] {
  const step = niceStep(lo, hi, count);
  return [Math.floor(lo / step + 1e-9) * step, Math.ceil(hi / step - 1e-9) * step];
}

/**
 * [min, max] of `values` (Infinity, -Infinity when empty), by a loop: `Math.min(...values)` passes
 * every value as an argument and overflows the stack past ~100,000 (a long run's per-tensor norms).
 */
export function span(values: Iterable<number>): [number, number] {
  let [lo, hi] = [Infinity, -Infinity];
  for (const v of values) {
    if (v < lo) lo = v;
    if (v > hi) hi = v;
  }
  return [lo, hi];
}

/** Powers of ten covering [lo, hi] (both > 0), for a logarithmic axis. */
export function logTicks(lo: number, hi: number): number[] {
  const ticks: number[] = [];
  for (let e = Math.floor(Math.log10(lo)); e <= Math.ceil(Math.log10(hi)); e++) ticks.push(10 ** e);
  return ticks;
}

/** `v` without the float noise of `i * step` (0.30000000000000004 -> 0.3). */
function round(v: number, step: number): number {
  const digits = Math.max(0, -Math.floor(Math.log10(step)) + 1);
  return Number(v.toFixed(Math.min(20, digits)));
}

/**
 * A tick label: integers with a thousands separator, fractions with the digits the step needs
 * (0.0005, 0.0010, ... for a step of 5e-4), exponents only past four decimals or a million.
 */
export function tickLabel(v: number, step = 1): string {
  if (v !== 0 && (step < 1e-4 || Math.abs(v) >= 1e6)) return v.toExponential(0).replace("e+", "e");
  if (Number.isInteger(v) && step >= 1) return v.toLocaleString("en-US");
  const digits = Math.max(0, -Math.floor(Math.log10(step) + 1e-9));
  return v.toFixed(Math.min(6, digits));
}
