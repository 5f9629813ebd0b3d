import { existsSync, mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { listExamples, loadExample } from "./lib/catalog.js";
import { passed, type Result, runExample } from "./lib/example.js";
import { buildSite, withSources } from "./page/build.js";
import { CHROMIUM, screenshot } from "./page/screenshot.js";

// Every example at its reduced size: each claim must hold on every backend CI runs. Then the
// gallery built from these runs, opened in headless Chromium at desktop and phone widths.
const files = listExamples();
const results: { file: string; result: Result }[] = [];

describe("the examples at reduced size", () => {
  it("are the lessons of the subject, numbered in order from 1", () => {
    expect(files.map((f) => Number(f.slice(0, 2)))).toEqual(
      Array.from({ length: files.length }, (_, i) => i + 1),
    );
    expect(files.length).toBeGreaterThanOrEqual(16);
  });

  for (const file of files) {
    it(`${file}: every claim holds`, { timeout: 60_000 }, async () => {
      const example = await loadExample(file);
      const result = await runExample(file, example, { small: true, echo: false });
      results.push({ file, result });
      const failures = result.claims.filter((c) => !c.ok).map((c) => `${c.statement} (${c.detail ?? ""})`);
      expect({ error: result.error, failures }).toEqual({ error: undefined, failures: [] });
      expect(result.claims.length).toBeGreaterThan(0);
      expect(result.figures.length).toBeGreaterThan(0);
      expect(passed(result)).toBe(true);
    });
  }
});

const available = existsSync(CHROMIUM);
if (!available && process.env.CI)
  throw new Error(`gallery test: ${CHROMIUM} is missing; .ci/run installs Debian's chromium`);
// CI runs the suite once per backend; the page needs only one of those runs.
const backend = process.env.NABLA_BACKEND;
const once = backend === undefined || backend === "" || backend === "wasm";

describe.skipIf(!available || !once)("the gallery page in headless Chromium", () => {
  it("reads at desktop and phone widths: formulas typeset, every figure drawn, nothing fetched from the network, no sideways scrolling", {
    timeout: 120_000,
  }, async () => {
    expect(results.length).toBe(files.length);
    const dir = mkdtempSync(join(tmpdir(), "nabla-gallery-"));
    buildSite(dir, withSources(results.sort((a, b) => a.file.localeCompare(b.file))));
    const out = join(dirname(fileURLToPath(import.meta.url)), "..", "dist", "screenshots");
    const shots = await screenshot(
      dir,
      ["index.html", "03-gradient-directional.html", "08-backprop-chain-rule.html"],
      out,
    );
    for (const s of shots) {
      expect({ page: s.page, screen: s.screen, problems: s.problems, overflow: s.overflow }).toEqual({
        page: s.page,
        screen: s.screen,
        problems: [],
        overflow: 0,
      });
      expect(s.figures).toBeGreaterThan(0);
      if (s.page !== "index.html") expect(s.formulas).toBeGreaterThan(0);
    }
  });
});
