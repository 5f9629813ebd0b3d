// Prints CI's closing line, "N passed, N failed", from vitest's JSON reports: one per backend
// (.vitest/results-<backend>.json), added up.
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";

const [dir, status] = process.argv.slice(2);
const files = existsSync(dir) ? readdirSync(dir).filter((f) => /^results.*\.json$/.test(f)) : [];
if (files.length === 0) {
  // The test command stopped before vitest ran (lint or typecheck failed): one failure.
  console.log(`0 passed, ${status === "0" ? 0 : 1} failed`);
  process.exit(0);
}
let passed = 0;
let failed = 0;
let skipped = 0;
for (const f of files) {
  const r = JSON.parse(readFileSync(join(dir, f), "utf8"));
  const failedSuites = (r.testResults ?? []).filter(
    (s) => s.status === "failed" && s.assertionResults.length === 0,
  );
  passed += r.numPassedTests;
  failed += r.numFailedTests + failedSuites.length;
  skipped += r.numPendingTests + r.numTodoTests;
}
// A non-zero status with no failing test (a crashed run) still counts as a failure.
if (failed === 0 && status !== "0") failed = 1;
console.log(`${passed} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ""}`);
