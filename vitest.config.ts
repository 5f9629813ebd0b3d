import { defineConfig } from "vitest/config";

// One run over every package's project; the JSON report feeds .ci/run's closing line
// (tooling/scripts/vitest-backends.mjs names one report per backend).
export default defineConfig({
  test: {
    projects: ["packages/*", "apps/*", "tooling/testing"],
    reporters: ["default", ["json", { outputFile: process.env.NABLA_VITEST_JSON ?? ".vitest/results.json" }]],
  },
});
