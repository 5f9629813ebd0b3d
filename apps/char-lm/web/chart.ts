/** Draws loss curves on a canvas: axes with ticks, one coloured line per series, a legend. */
export function drawChart(
  canvas: HTMLCanvasElement,
  series: { name: string; color: string; points: [number, number][] }[],
  xMax: number,
): void {
  const ctx = canvas.getContext("2d");
  if (!ctx) return;
  const [W, H, L, R, T, B] = [canvas.width, canvas.height, 52, 16, 16, 30];
  ctx.clearRect(0, 0, W, H);
  const ys = series.flatMap((s) => s.points.map(([, y]) => y)).filter(Number.isFinite);
  if (ys.length === 0) return;
  let [y0, y1] = [Math.min(...ys), Math.max(...ys)];
  if (y1 - y0 < 1e-6) [y0, y1] = [y0 - 0.5, y1 + 0.5];
  const sx = (x: number) => L + (x / Math.max(1, xMax)) * (W - L - R);
  const sy = (y: number) => H - B - ((y - y0) / (y1 - y0)) * (H - T - B);
  ctx.font = "11px system-ui, sans-serif";
  ctx.fillStyle = "#666";
  ctx.strokeStyle = "#e5e7ee";
  for (let i = 0; i <= 4; i++) {
    const y = y0 + ((y1 - y0) * i) / 4;
    ctx.beginPath();
    ctx.moveTo(L, sy(y));
    ctx.lineTo(W - R, sy(y));
    ctx.stroke();
    ctx.fillText(y.toFixed(2), 8, sy(y) + 4);
    const x = Math.round((xMax * i) / 4);
    ctx.fillText(String(x), sx(x) - 8, H - 10);
  }
  series.forEach((s, k) => {
    ctx.strokeStyle = s.color;
    ctx.lineWidth = 1.6;
    ctx.beginPath();
    s.points.forEach(([x, y], i) => {
      if (i === 0) ctx.moveTo(sx(x), sy(y));
      else ctx.lineTo(sx(x), sy(y));
    });
    ctx.stroke();
    ctx.fillStyle = s.color;
    ctx.fillRect(W - R - 170, T + 6 + k * 16, 12, 3);
    ctx.fillStyle = "#333";
    ctx.fillText(s.name, W - R - 152, T + 10 + k * 16);
  });
}
