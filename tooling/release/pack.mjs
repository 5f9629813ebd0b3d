// Packs every public package (what `npm publish` would upload) into a folder, building first
// through each package's prepack. Prints each tarball's size. Used by the consumer check and by
// `pnpm release`'s checks; `node tooling/release/pack.mjs [outDir]`.
import { execFileSync } from "node:child_process";
import { mkdirSync, readdirSync, readFileSync, rmSync, statSync } from "node:fs";
import { join, resolve } from "node:path";

/** The public packages in dependency order (the order they must install). */
export const PUBLIC = ["native", "tensor", "autograd", "losses", "optim", "nn", "rnn", "nabla"];

export const root = resolve(import.meta.dirname, "../..");

/**
 * Builds the public packages (turbo: in parallel, cached) and packs them into `out`; returns
 * { name, file, bytes } for each. Packing skips the prepack build turbo just did.
 */
export function packAll(out) {
  rmSync(out, { recursive: true, force: true });
  mkdirSync(out, { recursive: true });
  const filters = PUBLIC.map((dir) => `--filter=./packages/${dir}`);
  execFileSync("pnpm", ["exec", "turbo", "run", "build", "--output-logs=errors-only", ...filters], {
    cwd: root,
    stdio: ["ignore", "ignore", "inherit"],
    env: { ...process.env, TURBO_TELEMETRY_DISABLED: "1" },
  });
  return PUBLIC.map((dir) => {
    const cwd = join(root, "packages", dir);
    const { name } = JSON.parse(readFileSync(join(cwd, "package.json"), "utf8"));
    const before = new Set(readdirSync(out));
    execFileSync("pnpm", ["pack", "--pack-destination", out], {
      cwd,
      stdio: ["ignore", "ignore", "inherit"],
      env: { ...process.env, npm_config_ignore_scripts: "true" },
    });
    const file = readdirSync(out).find((f) => !before.has(f));
    return { name, file: join(out, file), bytes: statSync(join(out, file)).size };
  });
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const out = resolve(process.argv[2] ?? join(root, ".packs"));
  for (const p of packAll(out))
    console.log(`${p.name.padEnd(20)} ${(p.bytes / 1024).toFixed(1).padStart(8)} kB  ${p.file}`);
}
