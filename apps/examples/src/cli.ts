// pnpm example <name|number> [--small]   runs one example, writes its plots and rebuilds the page
// pnpm examples [--small]                 runs them all in order and writes the whole gallery
// NABLA_EXAMPLES_SIZE=small does what --small does (the reduced sizes of the tests and CI).
import { mkdirSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { findExamples, listExamples, loadExample } from "./lib/catalog.js";
import { passed, type Result, runExample } from "./lib/example.js";
import { buildSite, siteDir } from "./page/build.js";

const args = process.argv.slice(2);
const small = args.includes("--small") || process.env.NABLA_EXAMPLES_SIZE === "small";
const all = args.includes("--all");
const query = args.find((a) => !a.startsWith("--"));

if (!all && query === undefined) {
  console.log("usage: pnpm example <name or number> [--small]   (or pnpm examples for all of them)\n");
  for (const f of listExamples()) console.log(`  ${f}`);
  process.exit(2);
}
const files = all ? listExamples() : findExamples(query!);
if (files.length === 0) {
  console.error(`example: no example matches "${query}"; they are:\n  ${listExamples().join("\n  ")}`);
  process.exit(2);
}

/** Saves a result as JSON: the page is built from the saved results of every example run so far. */
function save(file: string, r: Result): void {
  const dir = join(siteDir, "results");
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, `${file}.json`), JSON.stringify(r));
}

if (all) rmSync(join(siteDir, "results"), { recursive: true, force: true });
const start = performance.now();
const failed: string[] = [];
for (const file of files) {
  console.log(`\n━━ ${file}${small ? " (small)" : ""} ━━`);
  const r = await runExample(file, await loadExample(file), { small });
  console.log(
    `   ${r.claims.filter((c) => c.ok).length}/${r.claims.length} claims hold, ${r.seconds.toFixed(1)} s`,
  );
  if (!passed(r)) failed.push(file);
  save(file, r);
}
const page = buildSite();
const seconds = (performance.now() - start) / 1000;
console.log(
  `\n${files.length - failed.length}/${files.length} examples hold every claim in ${seconds.toFixed(1)} s`,
);
console.log(`gallery: ${page} (pnpm gallery serves it)`);
if (failed.length > 0) {
  console.error(`failed: ${failed.join(", ")}`);
  process.exit(1);
}
