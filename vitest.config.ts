import { defineConfig } from "vitest/config";

// One run over every package's project; the JSON report feeds .ci/run's closing line.
export default defineConfig({
  test: {
    projects: ["packages/*", "apps/*", "tooling/testing"],
    reporters: ["default", ["json", { outputFile: ".vitest/results.json" }]],
  },
});
