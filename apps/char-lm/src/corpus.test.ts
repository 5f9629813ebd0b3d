import { Generator } from "@nablajs/tensor";
import { describe, expect, it } from "vitest";
import { StreamBatches, sampleBatch, sequentialBatches } from "./batches.js";
import { corpusPrompt, splitCorpus, Vocab } from "./corpus.js";

describe("Vocab", () => {
  it("maps the sorted distinct characters to ids and back", () => {
    const v = Vocab.fromText("hello world");
    expect(v.chars).toEqual([" ", "d", "e", "h", "l", "o", "r", "w"]);
    expect(v.decode(v.encode("world hello"))).toBe("world hello");
  });
  it("names a character it does not know", () => {
    expect(() => Vocab.fromText("abc").encode("abd")).toThrow(/"d" \(U\+0064\) at 2/);
    expect(() => Vocab.fromText("")).toThrow(/empty/);
  });
  it("treats a character outside the Basic Multilingual Plane as one character", () => {
    const v = Vocab.fromText("a😀b🎉\n");
    expect(v.size).toBe(5);
    const ids = v.encode("😀a🎉😀");
    expect(ids.length).toBe(4);
    expect(v.decode(ids)).toBe("😀a🎉😀");
    expect(v.missing("a🙂x")).toEqual(["🙂", "x"]);
    expect(() => v.encode("a🙂")).toThrow(/"🙂" \(U\+1F642\) at 1/);
  });
  it("takes a prompt from the corpus, the first whole line of the validation tail", () => {
    const text = `${"x".repeat(200)}partial\n\nKING: now\nrest`;
    expect(corpusPrompt(text, 0.1)).toBe("KING: now");
    expect(corpusPrompt("no newline at all", 0.1)).toBe("ll");
    expect([...corpusPrompt("😀".repeat(40), 0.5)].length).toBe(20);
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
  it("reads contiguous streams: each batch continues the last, a new pass starts afresh", () => {
    const s = new StreamBatches(ids, 10, 4, new Generator(3));
    const cols = Math.floor(999 / 4);
    const first = s.next();
    expect(first.fresh).toBe(true);
    const x0 = first.x.toTypedArray();
    const second = s.next();
    expect(second.fresh).toBe(false);
    const x1 = second.x.toTypedArray();
    for (let b = 0; b < 4; b++) {
      expect(x1[b]).toBe(x0[9 * 4 + b]! + 1); // column b goes on where it stopped
      expect(Math.floor(x0[b]! / cols)).toBe(b); // and stays in its own slice of the data
    }
    let n = 2;
    while (!s.next().fresh) n++;
    expect(n).toBeGreaterThanOrEqual(Math.floor(cols / 10) - 1);
    expect(s.position.epoch).toBe(1);
    expect(() => new StreamBatches(new Int32Array(40), 10, 4, new Generator(0))).toThrow(
      /fewer than seqLen \+ 1/,
    );
  });
  it("covers the stream once with sequential batches", () => {
    const batches = [...sequentialBatches(ids, 10, 3)];
    expect(batches.length).toBe(Math.floor(Math.floor(999 / 3) / 10));
    expect(() => sampleBatch(new Int32Array(5), 8, 1, new Generator(0))).toThrow(/shorter/);
  });
});
