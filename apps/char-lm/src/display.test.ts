import { Tensor } from "@nablajs/tensor";
import { describe, expect, it } from "vitest";
import { svgChart, textChart } from "./plot.js";
import { Progress } from "./progress.js";
import { renderReport } from "./report.js";
import { packState, unpackState } from "./state-pack.js";

function sink(isTTY: boolean) {
  const out: string[] = [];
  return { out, write: (s: string) => out.push(s), isTTY, columns: 100 };
}

describe("Progress", () => {
  it("draws a bar with rate and ETA on a terminal", () => {
    let t = 0;
    const s = sink(true);
    const p = new Progress(100, { sink: s, unit: "step", perUnit: [2048, "char"], now: () => t });
    t = 10;
    p.update(25, "loss 2.000");
    const line = s.out.at(-1)!;
    expect(line).toContain(" 25/100 ");
    expect(line).toContain("25%");
    expect(line).toContain("2.50 step/s");
    expect(line).toContain("5.1k char/s");
    expect(line).toContain("ETA 00:30");
    expect(line).toContain("█");
  });
  it("writes plain lines, not redraws, when the output is not a terminal", () => {
    let t = 0;
    const s = sink(false);
    const p = new Progress(10, { sink: s, plainEvery: 5, now: () => t });
    for (let i = 1; i <= 10; i++) {
      t = i;
      p.update(i);
    }
    expect(s.out.every((l) => l.endsWith("\n") && !l.includes("\r"))).toBe(true);
    expect(s.out.length).toBe(3); // at 1 s, 6 s, and the end
    expect(s.out.at(-1)).toContain("10/10 (100%)");
  });
});

describe("charts", () => {
  const series = [
    {
      name: "train",
      points: [
        [0, 4],
        [50, 2.5],
        [100, 1.5],
      ] as [number, number][],
    },
    { name: "val", points: [[100, 1.8]] as [number, number][] },
  ];
  it("plots every point in a text chart with labelled axes", () => {
    const chart = textChart(series, 40, 10);
    expect(chart).toContain("4.00");
    expect(chart).toContain("1.50");
    const plotRows = chart.split("\n").slice(0, 10).join("\n");
    expect(plotRows.split("•").length - 1).toBe(3);
    expect(plotRows.split("o").length - 1).toBe(1);
    expect(chart).toContain("o val");
  });
  it("writes an SVG with one path per series and a legend", () => {
    const svg = svgChart(series, { title: "loss" });
    expect(svg.startsWith("<svg")).toBe(true);
    expect(svg.match(/<path /g)?.length).toBe(1); // the single validation point is a dot
    expect(svg.match(/<circle /g)?.length).toBe(1);
    expect(svg).toContain(">train<");
  });
});

describe("report.html", () => {
  it("plots the share of steps clipped on a 0-1 axis, even when no step was clipped", () => {
    const records = [1, 2, 3].map((step) => ({
      kind: "train" as const,
      step,
      loss: 4 - step / 10,
      lr: 0.003,
      gradNorm: 0.5,
      clipped: false,
      gradNorms: { "a.weight": 0.3, "b.weight": 0.4 },
      charsPerSec: 1000,
      backend: "js",
      elapsed: step,
    }));
    const html = renderReport(records, { title: "t", clip: 5, summary: [["backend", "js"]] });
    const clipped = html.slice(
      html.indexOf("<title>Fraction of steps clipped"),
      html.indexOf("<title>Gradient norm of each"),
    );
    expect(clipped).toContain(">1.0</text>");
    expect(clipped).toContain(">0.0</text>");
    expect(clipped).not.toContain(">-0.2</text>");
    expect(html.match(/<svg /g)?.length).toBe(5);
    expect(html).toContain('<html lang="en">');
  });
});

describe("packState", () => {
  it("round-trips nested state with tensors and non-finite numbers", () => {
    const t = new Tensor(Float32Array.of(1, 2), [2]);
    const state = {
      state: { 0: { step: 3, expAvg: t } },
      groups: [{ lr: 0.1, eps: Number.POSITIVE_INFINITY }],
    };
    const packed = packState(state, "optim");
    expect(Object.keys(packed.tensors)).toEqual(["optim.state.0.expAvg"]);
    const json = JSON.parse(JSON.stringify(packed.json));
    const back = unpackState(json, packed.tensors) as typeof state;
    expect(back.state[0].expAvg).toBe(t);
    expect(back.groups[0]!.eps).toBe(Number.POSITIVE_INFINITY);
    expect(() => unpackState(json, {})).toThrow(/lacks tensor 'optim.state.0.expAvg'/);
  });
});
