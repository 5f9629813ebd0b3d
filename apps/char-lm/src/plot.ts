import { logTicks, niceDomain, niceTicks, span, tickLabel } from "./ticks.js";

/** A named series of (x, y) points for a chart. */
export interface Series {
  name: string;
  points: readonly [number, number][];
  /** A dashed line (a threshold, say). */
  dashed?: boolean;
}

/** Options of `svgChart`. */
export interface ChartOptions {
  title?: string;
  xLabel?: string;
  yLabel?: string;
  /** A logarithmic y axis (points with y <= 0 are left out). */
  logY?: boolean;
  width?: number;
  height?: number;
  /** A fixed y range (a fraction's [0, 1], say) instead of the data's. */
  yRange?: [number, number];
}

function finite(series: readonly Series[], logY = false): [number, number][] {
  return series.flatMap((s) => s.points).filter(([, y]) => Number.isFinite(y) && (!logY || y > 0));
}

function extent(series: readonly Series[]): [number, number, number, number] {
  const pts = finite(series);
  if (pts.length === 0) return [0, 1, 0, 1];
  let [x0, x1, y0, y1] = [Infinity, -Infinity, Infinity, -Infinity];
  for (const [x, y] of pts)
    [x0, x1, y0, y1] = [Math.min(x0, x), Math.max(x1, x), Math.min(y0, y), Math.max(y1, y)];
  if (x1 === x0) x1 = x0 + 1;
  if (y1 === y0) [y0, y1] = [y0 - 0.5, y1 + 0.5];
  return [x0, x1, y0, y1];
}

/** At most `max` points of a series, evenly strided (the last one kept). */
function thin(points: readonly [number, number][], max = 800): readonly [number, number][] {
  if (points.length <= max) return points;
  const k = Math.ceil(points.length / max);
  return points.filter((_, i) => i % k === 0 || i === points.length - 1);
}

const MARKS = ["•", "o", "+", "x"];

/** A text chart of the series (one mark per series) for a terminal, `width` x `height` cells. */
export function textChart(series: readonly Series[], width = 60, height = 12): string {
  const [x0, x1, y0, y1] = extent(series);
  const grid = Array.from({ length: height }, () => new Array<string>(width).fill(" "));
  series.forEach((s, k) => {
    for (const [x, y] of s.points) {
      if (!Number.isFinite(y)) continue;
      const col = Math.round(((x - x0) / (x1 - x0)) * (width - 1));
      const row = height - 1 - Math.round(((y - y0) / (y1 - y0)) * (height - 1));
      grid[row]![col] = MARKS[k % MARKS.length]!;
    }
  });
  const label = (v: number) => v.toFixed(2).padStart(7);
  const lines = grid.map((r, i) => {
    const y = i === 0 ? label(y1) : i === height - 1 ? label(y0) : " ".repeat(7);
    return `${y} │${r.join("")}`;
  });
  lines.push(`${" ".repeat(8)}└${"─".repeat(width)}`);
  lines.push(`${" ".repeat(9)}${String(x0).padEnd(width - String(x1).length)}${x1}`);
  lines.push(`${" ".repeat(9)}${series.map((s, k) => `${MARKS[k % MARKS.length]} ${s.name}`).join("   ")}`);
  return lines.join("\n");
}

/** Colours of the series, in order (Tableau 10). */
export const COLORS = [
  "#1f77b4",
  "#d62728",
  "#2ca02c",
  "#9467bd",
  "#ff7f0e",
  "#8c564b",
  "#e377c2",
  "#7f7f7f",
  "#bcbd22",
  "#17becf",
];

const esc = (s: string) => s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/"/g, "&quot;");

/**
 * An SVG line chart with a title (also the SVG's accessible <title>), round ticks on both axes,
 * a legend, and margins wide enough that no label is clipped.
 */
export function svgChart(series: readonly Series[], opts: ChartOptions = {}): string {
  // Many series get their legend in a right margin of its own, off the lines.
  const aside = series.length > 3;
  const [W, H, L, R, T, B] = [opts.width ?? 720, opts.height ?? 380, 68, aside ? 180 : 36, 40, 52];
  const [x0, x1, ...ys] = extent(series);
  let [y0, y1] = ys as [number, number];
  const logY = opts.logY === true && finite(series, true).length > 0;
  let yTicks: number[];
  if (logY) {
    yTicks = logTicks(...span(finite(series, true).map(([, y]) => y)));
    [y0, y1] = [yTicks[0]!, yTicks.at(-1)!];
    if (y0 === y1) y1 = y0 * 10;
  } else {
    [y0, y1] = opts.yRange ?? niceDomain(y0, y1, 5);
    yTicks = niceTicks(y0, y1, 5);
  }
  const xTicks = niceTicks(x0, x1, 6).filter((x) => x >= x0 && x <= x1);
  const xStep = xTicks.length > 1 ? xTicks[1]! - xTicks[0]! : 1;
  const yStep = yTicks.length > 1 ? yTicks[1]! - yTicks[0]! : 1;
  const ty = (y: number) => (logY ? Math.log10(y) : y);
  const sx = (x: number) => L + ((x - x0) / (x1 - x0)) * (W - L - R);
  const sy = (y: number) => H - B - ((ty(y) - ty(y0)) / (ty(y1) - ty(y0))) * (H - T - B);
  const title = opts.title ?? "chart";
  const parts: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" viewBox="0 0 ${W} ${H}" font-family="sans-serif" font-size="12">`,
    `<title>${esc(title)}</title>`,
    `<rect width="${W}" height="${H}" fill="white"/>`,
    `<text x="${W / 2}" y="24" text-anchor="middle" font-size="15">${esc(title)}</text>`,
  ];
  for (const y of yTicks) {
    if (y < y0 || y > y1) continue;
    parts.push(
      `<line x1="${L}" x2="${W - R}" y1="${sy(y).toFixed(1)}" y2="${sy(y).toFixed(1)}" stroke="#eee"/>`,
    );
    parts.push(
      `<text x="${L - 6}" y="${(sy(y) + 4).toFixed(1)}" text-anchor="end">${tickLabel(y, logY ? y : yStep)}</text>`,
    );
  }
  for (const x of xTicks) {
    parts.push(
      `<line x1="${sx(x).toFixed(1)}" x2="${sx(x).toFixed(1)}" y1="${H - B}" y2="${H - B + 4}" stroke="#333"/>`,
    );
    parts.push(
      `<text x="${sx(x).toFixed(1)}" y="${H - B + 18}" text-anchor="middle">${tickLabel(x, xStep)}</text>`,
    );
  }
  parts.push(`<line x1="${L}" x2="${L}" y1="${T}" y2="${H - B}" stroke="#333"/>`);
  parts.push(`<line x1="${L}" x2="${W - R}" y1="${H - B}" y2="${H - B}" stroke="#333"/>`);
  parts.push(
    `<text x="${(L + W - R) / 2}" y="${H - 12}" text-anchor="middle">${esc(opts.xLabel ?? "")}</text>`,
  );
  parts.push(
    `<text transform="translate(16 ${(T + H - B) / 2}) rotate(-90)" text-anchor="middle">${esc(opts.yLabel ?? "")}</text>`,
  );
  series.forEach((s, k) => {
    const pts = thin(s.points.filter(([, y]) => Number.isFinite(y) && (!logY || y > 0)));
    const color = COLORS[k % COLORS.length];
    const dash = s.dashed ? ` stroke-dasharray="6 4"` : "";
    if (pts.length > 1) {
      const d = pts
        .map(([x, y], i) => `${i === 0 ? "M" : "L"}${sx(x).toFixed(1)},${sy(y).toFixed(1)}`)
        .join("");
      parts.push(`<path d="${d}" fill="none" stroke="${color}" stroke-width="1.5"${dash}/>`);
    } else if (pts.length === 1) {
      parts.push(
        `<circle cx="${sx(pts[0]![0]).toFixed(1)}" cy="${sy(pts[0]![1]).toFixed(1)}" r="3" fill="${color}"/>`,
      );
    }
    const lx = aside ? W - R + 12 : W - R - 190;
    parts.push(`<rect x="${lx}" y="${T + 8 + k * 18}" width="14" height="3" fill="${color}"/>`);
    parts.push(`<text x="${lx + 20}" y="${T + 13 + k * 18}">${esc(s.name)}</text>`);
  });
  parts.push("</svg>");
  return parts.join("\n");
}
