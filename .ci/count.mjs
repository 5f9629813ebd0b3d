// Prints CI's closing line, "N passed, N failed", from vitest's JSON report.
import { existsSync, readFileSync } from "node:fs";

const [file, status] = process.argv.slice(2);
if (!existsSync(file)) {
  // The test command stopped before vitest ran (lint or typecheck failed): one failure.
  console.log(`0 passed, ${status === "0" ? 0 : 1} failed`);
  process.exit(0);
}
const r = JSON.parse(readFileSync(file, "utf8"));
const failedSuites = (r.testResults ?? []).filter(
  (s) => s.status === "failed" && s.assertionResults.length === 0,
);
const failed = r.numFailedTests + failedSuites.length;
const skipped = r.numPendingTests + r.numTodoTests;
console.log(`${r.numPassedTests} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ""}`);
