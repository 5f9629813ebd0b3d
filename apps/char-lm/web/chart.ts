import { logTicks, niceDomain, niceTicks, span, tickLabel } from "../src/ticks.js";

/** A line on a chart. */
export interface Line {
  name: string;
  color: string;
  points: [number, number][];
  dashed?: boolean;
  width?: number;
}

/**
 * Draws lines on a canvas: round ticks on both axes (a logarithmic y axis with `logY`), a legend,
 * and margins that keep every label inside the canvas. The x axis spans [0, xMax].
 */
export function drawChart(
  canvas: HTMLCanvasElement,
  lines: Line[],
  opts: { xMax: number; logY?: boolean },
): void {
  const ctx = canvas.getContext("2d");
  if (!ctx) return;
  // Many lines get their legend in a right margin of its own, off the lines.
  const aside = lines.length > 3;
  const [W, H, L, R, T, B] = [canvas.width, canvas.height, 56, aside ? 190 : 28, 14, 30];
  ctx.clearRect(0, 0, W, H);
  const logY = opts.logY === true;
  const ys = lines
    .flatMap((l) => l.points.map(([, y]) => y))
    .filter((y) => Number.isFinite(y) && (!logY || y > 0));
  if (ys.length === 0) return;
  let [y0, y1] = span(ys);
  let yTicks: number[];
  if (logY) {
    yTicks = logTicks(y0, y1);
    [y0, y1] = [yTicks[0]!, Math.max(yTicks.at(-1)!, yTicks[0]! * 10)];
  } else {
    if (y1 - y0 < 1e-6) [y0, y1] = [y0 - 0.5, y1 + 0.5];
    [y0, y1] = niceDomain(y0, y1, 4);
    yTicks = niceTicks(y0, y1, 4);
  }
  const xMax = Math.max(1, opts.xMax);
  const xTicks = niceTicks(0, xMax, 6);
  const ty = (y: number) => (logY ? Math.log10(y) : y);
  const sx = (x: number) => L + (x / xMax) * (W - L - R);
  const sy = (y: number) => H - B - ((ty(y) - ty(y0)) / (ty(y1) - ty(y0))) * (H - T - B);
  ctx.font = "11px system-ui, sans-serif";
  ctx.strokeStyle = "#e5e7ee";
  ctx.fillStyle = "#666";
  ctx.lineWidth = 1;
  ctx.textBaseline = "middle";
  ctx.textAlign = "right";
  const yStep = yTicks.length > 1 ? yTicks[1]! - yTicks[0]! : 1;
  for (const y of yTicks) {
    ctx.beginPath();
    ctx.moveTo(L, sy(y));
    ctx.lineTo(W - R, sy(y));
    ctx.stroke();
    ctx.fillText(tickLabel(y, logY ? y : yStep), L - 6, sy(y));
  }
  ctx.textAlign = "center";
  ctx.textBaseline = "alphabetic";
  const xStep = xTicks.length > 1 ? xTicks[1]! - xTicks[0]! : 1;
  for (const x of xTicks) ctx.fillText(tickLabel(x, xStep), sx(x), H - 10);
  lines.forEach((line, k) => {
    const pts = line.points.filter(([, y]) => Number.isFinite(y) && (!logY || y > 0));
    ctx.strokeStyle = line.color;
    ctx.lineWidth = line.width ?? 1.6;
    ctx.setLineDash(line.dashed ? [6, 4] : []);
    ctx.beginPath();
    pts.forEach(([x, y], i) => {
      if (i === 0) ctx.moveTo(sx(x), sy(y));
      else ctx.lineTo(sx(x), sy(y));
    });
    ctx.stroke();
    ctx.setLineDash([]);
    ctx.fillStyle = line.color;
    if (pts.length === 1) {
      ctx.beginPath();
      ctx.arc(sx(pts[0]![0]), sy(pts[0]![1]), 3, 0, 2 * Math.PI);
      ctx.fill();
    }
    const lx = aside ? W - R + 14 : W - R - 200;
    ctx.fillRect(lx, T + 6 + k * 15, 12, 3);
    ctx.fillStyle = "#333";
    ctx.textAlign = "left";
    ctx.fillText(line.name, lx + 18, T + 11 + k * 15);
    ctx.textAlign = "center";
  });
}
