/** A named series of (x, y) points for a loss chart. */
export interface Series {
  name: string;
  points: readonly [number, number][];
}

function extent(series: readonly Series[]): [number, number, number, number] {
  const pts = series.flatMap((s) => s.points).filter(([, y]) => Number.isFinite(y));
  if (pts.length === 0) return [0, 1, 0, 1];
  const xs = pts.map(([x]) => x);
  const ys = pts.map(([, y]) => y);
  let [x0, x1, y0, y1] = [Math.min(...xs), Math.max(...xs), Math.min(...ys), Math.max(...ys)];
  if (x1 === x0) x1 = x0 + 1;
  if (y1 === y0) [y0, y1] = [y0 - 0.5, y1 + 0.5];
  return [x0, x1, y0, y1];
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

const COLORS = ["#1f77b4", "#d62728", "#2ca02c", "#9467bd"];

/** An SVG line chart of the series with axes, ticks and a legend. */
export function svgChart(
  series: readonly Series[],
  opts: { title?: string; xLabel?: string; yLabel?: string } = {},
): string {
  const [W, H, L, R, T, B] = [720, 420, 64, 24, 40, 52];
  const [x0, x1, y0, y1] = extent(series);
  const sx = (x: number) => L + ((x - x0) / (x1 - x0)) * (W - L - R);
  const sy = (y: number) => H - B - ((y - y0) / (y1 - y0)) * (H - T - B);
  const ticks = (a: number, b: number) => Array.from({ length: 5 }, (_, i) => a + ((b - a) * i) / 4);
  const esc = (s: string) => s.replace(/&/g, "&amp;").replace(/</g, "&lt;");
  const parts: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" viewBox="0 0 ${W} ${H}" font-family="sans-serif" font-size="12">`,
    `<rect width="${W}" height="${H}" fill="white"/>`,
    `<text x="${W / 2}" y="24" text-anchor="middle" font-size="15">${esc(opts.title ?? "")}</text>`,
  ];
  for (const y of ticks(y0, y1)) {
    parts.push(`<line x1="${L}" x2="${W - R}" y1="${sy(y)}" y2="${sy(y)}" stroke="#eee"/>`);
    parts.push(`<text x="${L - 6}" y="${sy(y) + 4}" text-anchor="end">${y.toFixed(2)}</text>`);
  }
  for (const x of ticks(x0, x1)) {
    parts.push(`<text x="${sx(x)}" y="${H - B + 18}" text-anchor="middle">${Math.round(x)}</text>`);
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
    const pts = s.points.filter(([, y]) => Number.isFinite(y));
    const color = COLORS[k % COLORS.length];
    if (pts.length > 0) {
      const d = pts
        .map(([x, y], i) => `${i === 0 ? "M" : "L"}${sx(x).toFixed(1)},${sy(y).toFixed(1)}`)
        .join("");
      parts.push(`<path d="${d}" fill="none" stroke="${color}" stroke-width="1.5"/>`);
    }
    parts.push(`<rect x="${W - R - 150}" y="${T + 8 + k * 18}" width="12" height="3" fill="${color}"/>`);
    parts.push(`<text x="${W - R - 132}" y="${T + 13 + k * 18}">${esc(s.name)}</text>`);
  });
  parts.push("</svg>");
  return parts.join("\n");
}
