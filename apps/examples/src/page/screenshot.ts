// Screenshots of the gallery at desktop and phone widths in headless Chromium (Debian's, never a
// downloaded one); used by the gallery test.
import { mkdirSync } from "node:fs";
import type { AddressInfo } from "node:net";
import { join } from "node:path";
import { type Browser, chromium } from "playwright-core";
import { serveSite } from "./serve.js";

export const CHROMIUM = "/usr/bin/chromium";

/** The two screens the gallery must read well on. */
export const SCREENS = {
  desktop: { width: 1280, height: 900 },
  phone: { width: 390, height: 844 },
} as const;

/** Launches Chromium headless, with no network of its own (no updates, no sync, no QUIC). */
export function launch(): Promise<Browser> {
  return chromium.launch({
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
}

/** What one page looked like: where its screenshot is and what went wrong loading it. */
export interface Shot {
  readonly page: string;
  readonly screen: keyof typeof SCREENS;
  readonly path: string;
  /** Failed requests and page errors. */
  readonly problems: string[];
  /** The page's width beyond the viewport (0: no sideways scrolling). */
  readonly overflow: number;
  /** KaTeX formulas and SVG figures shown. */
  readonly formulas: number;
  readonly figures: number;
}

/** Serves `site`, opens each of `pages` at each screen width and saves full-page screenshots into `out`. */
export async function screenshot(site: string, pages: readonly string[], out: string): Promise<Shot[]> {
  mkdirSync(out, { recursive: true });
  const server = await serveSite(site, 0);
  const browser = await launch();
  const shots: Shot[] = [];
  try {
    const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
    for (const [screen, viewport] of Object.entries(SCREENS) as [
      keyof typeof SCREENS,
      (typeof SCREENS)["phone"],
    ][]) {
      const context = await browser.newContext({
        viewport,
        deviceScaleFactor: 1,
        isMobile: screen === "phone",
      });
      for (const name of pages) {
        const page = await context.newPage();
        const problems: string[] = [];
        page.on("pageerror", (e) => problems.push(e.message));
        page.on("requestfailed", (r) => problems.push(`failed ${r.url()}`));
        page.on("response", (r) => r.status() >= 400 && problems.push(`${r.status()} ${r.url()}`));
        // Nothing may come from the network: every request goes to the local server (or is data).
        page.on("request", (r) => {
          if (!r.url().startsWith(base) && !r.url().startsWith("data:")) problems.push(`fetched ${r.url()}`);
        });
        await page.goto(base + name, { waitUntil: "load" });
        await page.evaluate(() => document.fonts.ready);
        const path = join(out, `${name.replace(/\.html$/, "")}-${screen}.png`);
        await page.screenshot({ path, fullPage: true });
        const m = await page.evaluate(() => ({
          overflow: document.documentElement.scrollWidth - window.innerWidth,
          formulas: document.querySelectorAll(".katex").length,
          figures: Array.from(document.querySelectorAll("figure svg, .card img")).filter(
            (e) => (e as HTMLElement).getBoundingClientRect().width > 0,
          ).length,
        }));
        shots.push({ page: name, screen, path, problems, ...m });
        await page.close();
      }
      await context.close();
    }
  } finally {
    await browser.close();
    await new Promise<void>((ok) => server.close(() => ok()));
  }
  return shots;
}
