import { availableParallelism } from "node:os";
import { defineConfig } from "vitest/config";

// One run over every package's project; the JSON report feeds .ci/run's closing line
// (tooling/scripts/vitest-backends.mjs names one report per backend).
export default defineConfig({
  test: {
    projects: ["packages/*", "apps/*", "tooling/testing"],
    // One test file per core (vitest's default leaves one core free: on CI's 2 cores, one file
    // at a time).
    maxWorkers: availableParallelism(),
    reporters: ["default", ["json", { outputFile: process.env.NABLA_VITEST_JSON ?? ".vitest/results.json" }]],
  },
});
