/** The build every published package shares: ESM with declarations, for ES2022 runtimes. */
export const library = {
  entry: ["src/index.ts"],
  format: ["esm"],
  dts: true,
  clean: true,
  sourcemap: true,
  target: "es2022",
} as const;
