import { existsSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import type { Server } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { loadSafetensors } from "@nablajs/nn";
import { type Browser, chromium, type Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
// @ts-expect-error: a plain .mjs build script without types
import { buildWeb } from "../scripts/build-web.mjs";
import { readCheckpoint } from "./checkpoint.js";
import { cli, TINY, tempRun } from "./cli-harness.js";
import { defaultCorpus } from "./files.js";
import { serveDemo } from "./serve.js";

const CHROMIUM = "/usr/bin/chromium";
const available = existsSync(CHROMIUM);
if (!available && process.env.CI)
  throw new Error(`web test: ${CHROMIUM} is missing; .ci/run installs Debian's chromium`);

const shakespeare = readFileSync(defaultCorpus, "utf8").slice(0, 20_000);
// The loss of guessing every character of the text alike (ln 58 here): a model that learned
// anything is clearly below it (after 30-40 steps of these small models, ~3.0-3.1 nats).
const uniform = Math.log(new Set(shakespeare).size);

// The page always trains on wasm, whatever backend Node runs: CI runs the suite once per backend,
// and the browser needs only one of those runs.
const nodeBackend = process.env.NABLA_BACKEND;
const once = nodeBackend === undefined || nodeBackend === "" || nodeBackend === "wasm";

describe.skipIf(!available || !once)("web demo in headless Chromium", () => {
  let server: Server;
  let url: string;
  let browser: Browser;
  const shots = mkdtempSync(join(tmpdir(), "char-lm-web-shots-"));
  beforeAll(async () => {
    const dir = await buildWeb(mkdtempSync(join(tmpdir(), "char-lm-web-")));
    server = await serveDemo(dir, 0);
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: [
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
      ],
    });
  }, 60_000);
  afterAll(async () => {
    await browser?.close();
    await new Promise<void>((ok) => server?.close(() => ok()));
  });

  /** A fresh page that records failed requests, page errors and every label drawn on a canvas. */
  async function open(): Promise<{ page: Page; problems: string[] }> {
    const page = await browser.newPage({ acceptDownloads: true, viewport: { width: 1000, height: 900 } });
    const problems: string[] = [];
    page.on("pageerror", (e) => problems.push(e.message));
    page.on("response", (r) => r.status() >= 400 && problems.push(`${r.status()} ${r.url()}`));
    await page.addInitScript(() => {
      const labels: [string, number, number, number][] = [];
      (window as any).canvasLabels = labels;
      const fill = CanvasRenderingContext2D.prototype.fillText;
      CanvasRenderingContext2D.prototype.fillText = function (text: string, x: number, y: number) {
        const w = this.measureText(text).width;
        const left =
          this.textAlign === "center"
            ? x - w / 2
            : this.textAlign === "right" || this.textAlign === "end"
              ? x - w
              : x;
        labels.push([text, left, left + w, this.canvas.width]);
        return fill.call(this, text, x, y);
      };
    });
    await page.goto(url);
    return { page, problems };
  }

  async function settings(page: Page, s: Record<string, string>): Promise<void> {
    for (const [id, v] of Object.entries(s)) await page.fill(`#${id}`, v);
  }
  const small = { hidden: "24", steps: "40", batch: "8", seq: "32", lr: "0.01" };

  it("trains a GRU on pasted text with live loss and gradient-health charts, stops, and generates new text each click", async () => {
    const { page, problems } = await open();
    await page.fill("#text", shakespeare);
    expect(await page.textContent("#text-info")).toContain("20,000 characters");
    await page.selectOption("#cell", "gru");
    await settings(page, { ...small, steps: "5000" });
    await page.click("#train");
    await page.waitForFunction(
      () => Number(document.querySelector("#step")?.textContent?.split(" ")[0]) >= 25,
      null,
      { timeout: 60_000 },
    );
    await page.click("#stop");
    await page.waitForSelector("body[data-state='idle']");
    const done = Number(await page.getAttribute("body", "data-done"));
    expect(done).toBeGreaterThanOrEqual(25);
    expect(done).toBeLessThan(5000);
    expect(Number(await page.textContent("#val"))).toBeGreaterThan(0); // evaluated on stopping
    expect(await page.textContent("#model")).toMatch(/GRU .* wasm/);
    expect(Number(await page.textContent("#gnorm"))).toBeGreaterThan(0);
    expect(await page.textContent("#clipped")).toMatch(/^\d+%$/);
    for (const id of ["chart", "health"]) expect(await inked(page, id), id).toBeGreaterThan(500);
    await page.fill("#prompt", "First");
    const samples: string[] = [];
    for (let i = 0; i < 2; i++) {
      await page.click("#generate");
      await page.waitForFunction((prev) => {
        const t = document.querySelector("#sample")?.textContent ?? "";
        return t.startsWith("First") && t !== prev;
      }, samples.at(-1) ?? "");
      samples.push((await page.textContent("#sample"))!);
    }
    expect(samples[0]).not.toBe(samples[1]);
    // every label drawn on the charts is inside its canvas, and the x ticks are round numbers
    const labels: [string, number, number, number][] = await page.evaluate(
      () => (window as any).canvasLabels,
    );
    for (const [text, left, right, width] of labels) {
      expect(left, text).toBeGreaterThanOrEqual(0);
      expect(right, text).toBeLessThanOrEqual(width);
    }
    const numbers = labels
      .map(([t]) => t.replace(/,/g, ""))
      .filter((t) => /^\d+$/.test(t))
      .map(Number);
    for (const n of numbers)
      expect(n === 0 || /^[125]0*$/.test(String(n)) || n % 100 === 0 || n % 5 === 0, String(n)).toBe(true);
    await page.screenshot({ path: join(shots, "trained-gru.png"), fullPage: true });
    expect(problems).toEqual([]);
  }, 90_000);

  it("trains a char-GPT: choosing the Transformer proposes its defaults and enables the heads, and the model samples", async () => {
    const { page, problems } = await open();
    await page.fill("#text", shakespeare);
    expect(await page.isDisabled("#heads")).toBe(true);
    await page.selectOption("#cell", "transformer");
    expect(await page.inputValue("#layers")).toBe("2");
    expect(await page.isDisabled("#heads")).toBe(false);
    await settings(page, { ...small, hidden: "30", heads: "4", steps: "30" });
    await page.click("#train");
    expect(await page.textContent("#heads-err")).toMatch(/divisible/);
    await settings(page, { hidden: "32" });
    await page.click("#train");
    await page.waitForSelector("body[data-done='30']", { timeout: 60_000 });
    expect(await page.textContent("#model")).toMatch(/TRANSFORMER .* wasm/);
    expect(Number(await page.textContent("#val"))).toBeLessThan(uniform - 0.5);
    await page.fill("#prompt", "First");
    await page.click("#generate");
    await page.waitForFunction(() =>
      (document.querySelector("#sample")?.textContent ?? "").startsWith("First"),
    );
    expect((await page.textContent("#sample"))!.length).toBeGreaterThan(100);
    await page.selectOption("#cell", "lstm");
    expect([await page.inputValue("#layers"), await page.isDisabled("#heads")]).toEqual(["1", true]);
    await page.screenshot({ path: join(shots, "trained-gpt.png"), fullPage: true });
    expect(problems).toEqual([]);
  }, 90_000);

  it("shows each bad input beside its field, and trains once they are fixed", async () => {
    const { page, problems } = await open();
    await settings(page, { ...small, hidden: "0", batch: "0", lr: "-1", steps: "0", seq: "64" });
    await page.click("#train");
    expect(await page.textContent("#hidden-err")).toBe("at least 8");
    expect(await page.textContent("#batch-err")).toBe("at least 1");
    expect(await page.textContent("#lr-err")).toBe("at least 0.0001");
    expect(await page.textContent("#steps-err")).toBe("at least 1");
    expect(await page.isDisabled("#train")).toBe(false);
    await settings(page, { hidden: "5000", batch: "2.5" });
    await page.click("#train");
    expect(await page.textContent("#hidden-err")).toBe("at most 512");
    expect(await page.textContent("#batch-err")).toBe("enter a whole number");
    await page.fill("#text", "far too short");
    await settings(page, small);
    await page.click("#train");
    expect(await page.textContent("#text-err")).toMatch(/too small/);
    expect(await page.textContent("#hidden-err")).toBe("");
    await page.screenshot({ path: join(shots, "errors.png"), fullPage: true });
    await page.fill("#text", shakespeare);
    await page.click("#train");
    await page.waitForSelector("body[data-done='40']", { timeout: 60_000 });
    expect(Number(await page.textContent("#val"))).toBeLessThan(uniform - 0.5);
    expect(problems).toEqual([]);
  }, 90_000);

  it("saves the model as a safetensors checkpoint and samples from a checkpoint the CLI wrote", async () => {
    const { page, problems } = await open();
    await page.fill("#text", shakespeare);
    await settings(page, { ...small, steps: "20" });
    await page.click("#train");
    await page.waitForSelector("body[data-done='20']", { timeout: 60_000 });
    const [download] = await Promise.all([page.waitForEvent("download"), page.click("#save")]);
    const saved = join(shots, "saved.safetensors");
    await download.saveAs(saved);
    const info = readCheckpoint(loadSafetensors(readFileSync(saved)));
    expect([info.step, info.config.hiddenSize, info.config.cell]).toEqual([20, 24, "lstm"]);
    // a CLI run on a text of its own (emoji included), loaded into the page
    const dir = tempRun("héllo wörld 😀 naïve cafe 🎉 bee tea\n".repeat(100));
    expect(
      (
        await cli(dir, [
          "train",
          "--data",
          "text.txt",
          "--out",
          "run",
          ...TINY,
          "--model",
          "rnn",
          "--steps",
          "3",
        ])
      ).code,
    ).toBe(0);
    await page.setInputFiles("#load", join(dir, "run/checkpoint.safetensors"));
    await page.waitForFunction(() =>
      document.querySelector("#model-info")?.textContent?.startsWith("Loaded"),
    );
    expect(await page.textContent("#model-info")).toMatch(/RNN, .* vocabulary 2\d, step 3/);
    await page.fill("#prompt", "ROMEO:");
    await page.click("#generate");
    await page.waitForFunction(() => document.querySelector("#prompt-err")?.textContent !== "");
    expect(await page.textContent("#prompt-err")).toMatch(/"R"/);
    await page.fill("#prompt", "café 😀");
    await page.click("#generate");
    await page.waitForFunction(() => document.querySelector("#sample")?.textContent?.startsWith("café 😀"));
    writeFileSync(join(shots, "sample.txt"), (await page.textContent("#sample"))!);
    await page.setInputFiles("#load", {
      name: "junk.safetensors",
      mimeType: "application/octet-stream",
      buffer: Buffer.from("junk"),
    });
    await page.waitForFunction(() => document.querySelector("#load-err")?.textContent !== "");
    expect(await page.textContent("#load-err")).toMatch(/junk.safetensors is not a char-lm checkpoint/);
    await page.screenshot({ path: join(shots, "loaded.png"), fullPage: true });
    expect(problems).toEqual([]);
  }, 90_000);
});

/** The number of painted pixels of a canvas. */
function inked(page: Page, id: string): Promise<number> {
  return page.$eval(`#${id}`, (c) => {
    const canvas = c as HTMLCanvasElement;
    const d = canvas.getContext("2d")!.getImageData(0, 0, canvas.width, canvas.height).data;
    let n = 0;
    for (let i = 3; i < d.length; i += 4) if (d[i]! > 0) n++;
    return n;
  });
}
