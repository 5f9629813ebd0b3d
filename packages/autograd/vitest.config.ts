import { defineProject } from "vitest/config";

// "source" resolves workspace packages to their TypeScript sources: tests need no build.
// --expose-gc lets memory.test.ts force a collection before it reads the heap.
export default defineProject({
  resolve: { conditions: ["source"] },
  ssr: { resolve: { conditions: ["source"] } },
  test: { name: "autograd", pool: "forks", execArgv: ["--expose-gc"] },
});
