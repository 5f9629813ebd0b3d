import { Generator } from "@nablajs/tensor";
import { describe, expect, it } from "vitest";
import { sampleBatch, sequentialBatches } from "./batches.js";
import { splitCorpus, Vocab } from "./corpus.js";

describe("Vocab", () => {
  it("maps the sorted distinct characters to ids and back", () => {
    const v = Vocab.fromText("hello world");
    expect(v.chars).toEqual([" ", "d", "e", "h", "l", "o", "r", "w"]);
    expect(v.decode(v.encode("world hello"))).toBe("world hello");
  });
  it("names a character it does not know", () => {
    expect(() => Vocab.fromText("abc").encode("abd")).toThrow(/"d" at 2/);
    expect(() => Vocab.fromText("")).toThrow(/empty/);
  });
  it("splits off a validation tail", () => {
    const { train, val } = splitCorpus(
      Int32Array.from({ length: 100 }, (_, i) => i),
      0.1,
    );
    expect([train.length, val.length, val[0]]).toEqual([90, 10, 90]);
    expect(() => splitCorpus(new Int32Array(4), 1)).toThrow(/valFraction/);
  });
});

describe("batches", () => {
  const ids = Int32Array.from({ length: 1000 }, (_, i) => i);
  it("draws windows whose targets are the inputs shifted by one", () => {
    const { x, y } = sampleBatch(ids, 8, 4, new Generator(1));
    expect(x.shape).toEqual([8, 4]);
    const xs = x.toTypedArray();
    const ys = y.toTypedArray();
    for (let i = 0; i < xs.length; i++) expect(ys[i]).toBe(xs[i]! + 1);
    for (let b = 0; b < 4; b++) expect(xs[4 + b]).toBe(xs[b]! + 1); // consecutive in time
  });
  it("draws the same batches from the same generator state", () => {
    const g1 = new Generator(5);
    sampleBatch(ids, 8, 4, g1);
    const g2 = new Generator(0);
    g2.setState(g1.getState());
    expect(sampleBatch(ids, 8, 4, g1).x.toArray()).toEqual(sampleBatch(ids, 8, 4, g2).x.toArray());
  });
  it("covers the stream once with sequential batches", () => {
    const batches = [...sequentialBatches(ids, 10, 3)];
    expect(batches.length).toBe(Math.floor(Math.floor(999 / 3) / 10));
    expect(() => sampleBatch(new Int32Array(5), 8, 1, new Generator(0))).toThrow(/shorter/);
  });
});
