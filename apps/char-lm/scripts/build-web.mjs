// Bundles the web demo (web/main.ts and its training worker) for browsers into dist/web, with
// index.html and the corpus beside it. Used by `pnpm build` and by the browser test.
import { copyFile, mkdir } from "node:fs/promises";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { build } from "tsup";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");

export async function buildWeb(outDir = join(root, "dist", "web")) {
  await build({
    entry: { main: join(root, "web/main.ts"), worker: join(root, "web/worker.ts") },
    outDir,
    format: ["esm"],
    platform: "browser",
    target: "es2022",
    noExternal: [/.*/],
    splitting: false,
    sourcemap: true,
    clean: true,
    silent: true,
    config: false,
    esbuildOptions(options) {
      options.conditions = ["source", "import", "browser"];
    },
  });
  await mkdir(outDir, { recursive: true });
  await copyFile(join(root, "web/index.html"), join(outDir, "index.html"));
  await copyFile(join(root, "data/tinyshakespeare.txt"), join(outDir, "tinyshakespeare.txt"));
  return outDir;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  console.log(`web demo built in ${await buildWeb()}`);
}
