import { copyFileSync, existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { examplesDir, listExamples } from "../lib/catalog.js";
import type { Result } from "../lib/example.js";
import { svgOnly } from "../lib/plot.js";
import { examplePage, indexPage, type PageExample } from "./html.js";
import { STYLE } from "./style.js";

/** Where `pnpm examples` writes the gallery: apps/examples/dist/gallery (gitignored, and outside the linter). */
export const siteDir = join(dirname(fileURLToPath(import.meta.url)), "..", "..", "dist", "gallery");

/** Copies KaTeX's stylesheet and its woff2 fonts (every browser that reads MathML-free KaTeX reads woff2). */
function copyKatex(dir: string): void {
  const root = dirname(createRequire(import.meta.url).resolve("katex/dist/katex.min.css"));
  mkdirSync(join(dir, "katex", "fonts"), { recursive: true });
  copyFileSync(join(root, "katex.min.css"), join(dir, "katex", "katex.min.css"));
  for (const f of readdirSync(join(root, "fonts")))
    if (f.endsWith(".woff2")) copyFileSync(join(root, "fonts", f), join(dir, "katex", "fonts", f));
}

/** Results paired with their example's source (what the page shows as the code). */
export function withSources(results: readonly { file: string; result: Result }[]): PageExample[] {
  return results.map(({ file, result }) => ({
    file,
    result,
    source: readFileSync(join(examplesDir, `${file}.ts`), "utf8"),
  }));
}

/** The results saved under `dir/results`, in the subject's order. */
export function readResults(dir: string): PageExample[] {
  const saved = listExamples().filter((file) => existsSync(join(dir, "results", `${file}.json`)));
  return withSources(
    saved.map((file) => ({
      file,
      result: JSON.parse(readFileSync(join(dir, "results", `${file}.json`), "utf8")) as Result,
    })),
  );
}

/** Writes each example's figures as standalone SVG files (plots/) and its downloads (files/). */
function writeAssets(dir: string, examples: readonly PageExample[]): void {
  mkdirSync(join(dir, "plots"), { recursive: true });
  mkdirSync(join(dir, "files"), { recursive: true });
  for (const { file, result } of examples) {
    for (const f of result.figures) writeFileSync(join(dir, "plots", `${file}-${f.id}.svg`), svgOnly(f.svg));
    for (const [name, content] of Object.entries(result.files))
      writeFileSync(join(dir, "files", name), content);
  }
}

/**
 * Writes the gallery into `dir` from the results saved there: index.html, one page per example,
 * the figures as SVG files, the stylesheet and KaTeX's. Everything is local: the pages load nothing from the network.
 * Returns the index's path.
 */
export function buildSite(dir = siteDir, examples = readResults(dir)): string {
  mkdirSync(dir, { recursive: true });
  copyKatex(dir);
  writeAssets(dir, examples);
  writeFileSync(join(dir, "style.css"), STYLE);
  const built = new Date().toISOString().slice(0, 16).replace("T", " ");
  examples.forEach((ex, i) => {
    const html = examplePage(ex, examples[i - 1], examples[i + 1], built);
    writeFileSync(join(dir, `${ex.file}.html`), html);
  });
  writeFileSync(join(dir, "index.html"), indexPage(examples, built));
  return join(dir, "index.html");
}
