import { defineConfig } from "tsup";

export default defineConfig({
  entry: { cli: "src/cli.ts", serve: "src/serve.ts" },
  format: ["esm"],
  clean: true,
  sourcemap: true,
  target: "es2022",
});
