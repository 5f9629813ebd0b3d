import { existsSync, mkdtempSync } from "node:fs";
import type { Server } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { chromium } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
// @ts-expect-error: a plain .mjs build script without types
import { buildWeb } from "../scripts/build-web.mjs";
import { serveDemo } from "./serve.js";

const CHROMIUM = "/usr/bin/chromium";
const available = existsSync(CHROMIUM);
if (!available && process.env.CI)
  throw new Error(`web test: ${CHROMIUM} is missing; .ci/run installs Debian's chromium`);

describe.skipIf(!available)("web demo in headless Chromium", () => {
  let server: Server;
  let url: string;
  beforeAll(async () => {
    const dir = await buildWeb(mkdtempSync(join(tmpdir(), "char-lm-web-")));
    server = await serveDemo(dir, 0);
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
  }, 60_000);
  afterAll(() => new Promise<void>((ok) => server?.close(() => ok())));

  it("trains in a worker, plots the loss and shows samples", async () => {
    const browser = await chromium.launch({
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
    try {
      const page = await browser.newPage();
      const errors: string[] = [];
      page.on("pageerror", (e) => errors.push(e.message));
      await page.goto(url);
      await page.fill("#hidden", "32");
      await page.fill("#steps", "40");
      await page.fill("#batch", "8");
      await page.fill("#seq", "32");
      await page.fill("#lr", "0.01");
      await page.click("#train");
      await page.waitForSelector("body[data-done='40']", { timeout: 90_000 });
      expect(errors).toEqual([]);
      expect(await page.textContent("#model")).toContain("wasm");
      expect(await page.textContent("#step")).toBe("40 / 40");
      const val = Number(await page.textContent("#val"));
      expect(val).toBeGreaterThan(0);
      expect(val).toBeLessThan(Math.log(65)); // below the uniform guess over 65 characters
      expect((await page.textContent("#sample"))!.length).toBeGreaterThan(100);
      // The chart has been drawn: some pixels are not blank.
      const inked = await page.$eval("#chart", (c) => {
        const d = (c as HTMLCanvasElement).getContext("2d")!.getImageData(0, 0, 940, 280).data;
        let n = 0;
        for (let i = 3; i < d.length; i += 4) if (d[i]! > 0) n++;
        return n;
      });
      expect(inked).toBeGreaterThan(500);
      await page.click("#generate");
      await page.waitForFunction(() => document.querySelector("#sample")?.textContent?.startsWith("ROMEO:"));
      await page.screenshot({ path: join(tmpdir(), "char-lm-web.png"), fullPage: true });
    } finally {
      await browser.close();
    }
  }, 120_000);
});
