import { describe, expect, it } from "vitest";
import { svgChart } from "./plot.js";
import { logTicks, niceDomain, niceTicks, span, tickLabel } from "./ticks.js";

describe("axis ticks", () => {
  it("are round numbers: 1, 2 or 5 times a power of ten", () => {
    expect(niceTicks(0, 1350, 5)).toEqual([0, 200, 400, 600, 800, 1000, 1200]);
    expect(niceTicks(1, 1500, 6)).toEqual([200, 400, 600, 800, 1000, 1200, 1400]);
    expect(niceTicks(1.234, 4.17, 5)).toEqual([1.5, 2, 2.5, 3, 3.5, 4]);
    expect(niceTicks(0.1, 0.3, 4)).toEqual([0.1, 0.15, 0.2, 0.25, 0.3]);
    expect(niceDomain(1.234, 4.17, 5)).toEqual([1, 4.5]);
    expect(logTicks(0.03, 7)).toEqual([0.01, 0.1, 1, 10]);
    expect([
      tickLabel(1500, 500),
      tickLabel(0.25, 0.05),
      tickLabel(0.001, 0.001),
      tickLabel(0.001, 5e-4),
      tickLabel(5e-4, 5e-4),
      tickLabel(1e-5, 1e-5),
    ]).toEqual(["1,500", "0.25", "0.001", "0.0010", "0.0005", "1e-5"]);
  });

  it("draw a log-scale chart of a long run's per-tensor norms (once a stack overflow)", () => {
    // 30 tensors x 8,000 steps: a 15-minute char-GPT run crashed writing its report at step 4,250.
    const series = Array.from({ length: 30 }, (_, k) => ({
      name: `p${k}`,
      points: Array.from({ length: 8000 }, (_, i): [number, number] => [
        i + 1,
        10 ** (-k / 10) / (1 + i / 1000),
      ]),
    }));
    const svg = svgChart(series, { title: "norms", logY: true });
    const yLabels = [...svg.matchAll(/text-anchor="end">([^<]*)</g)].map((m) => m[1]);
    expect(yLabels).toEqual(["1e-4", "0.001", "0.01", "0.1", "1"]);
    expect(span([3, -1, 7, 2])).toEqual([-1, 7]);
    expect(span([])).toEqual([Infinity, -Infinity]);
  });

  it("label an SVG chart with round values, none outside the picture", () => {
    const points: [number, number][] = Array.from({ length: 1337 }, (_, i) => [i + 1, 4 - i / 500]);
    const svg = svgChart([{ name: "loss", points }], { title: "t", width: 720 });
    const labels = [
      ...svg.matchAll(/<text x="([\d.]+)" y="([\d.]+)" text-anchor="(middle|end)">([^<]*)<\/text>/g),
    ];
    const xLabels = labels.filter((m) => m[3] === "middle" && m[4] !== "").map((m) => m[4]);
    expect(xLabels).toEqual(["200", "400", "600", "800", "1,000", "1,200"]);
    for (const m of labels) {
      const [x, text] = [Number(m[1]), m[4]!];
      const half = m[3] === "middle" ? text.length * 3.5 : 0;
      expect(x + half, text).toBeLessThanOrEqual(720);
      expect(x - (m[3] === "end" ? text.length * 7 : half), text).toBeGreaterThanOrEqual(0);
    }
    expect(svg).toMatch(/^<svg[^>]*>\n<title>t<\/title>/);
  });
});
