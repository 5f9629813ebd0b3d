import { defineProject } from "vitest/config";

// "source" resolves workspace packages to their TypeScript sources: tests need no build.
export default defineProject({
  resolve: { conditions: ["source"] },
  ssr: { resolve: { conditions: ["source"] } },
  test: { name: "examples" },
});
