// Compiles the addon with node-gyp at install. No network: node-gyp is pointed at the headers of
// the Node that runs this script when they exist. A failed compile never fails the install
// (nabla then runs on WebAssembly and says why once); `--strict` makes it fail, for development.
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const strict = process.argv.includes("--strict");
const prefix = dirname(dirname(process.execPath));

/** node-gyp as [command, ...args]: the one npm or pnpm hands lifecycle scripts, else one they bundle. */
function nodeGyp() {
  if (process.env.npm_config_node_gyp && existsSync(process.env.npm_config_node_gyp))
    return [process.execPath, process.env.npm_config_node_gyp];
  const onPath = spawnSync("node-gyp", ["--version"], { encoding: "utf8" });
  if (onPath.status === 0) return ["node-gyp"];
  for (const pm of [
    "npm/node_modules/node-gyp/bin/node-gyp.js",
    "pnpm/dist/node_modules/node-gyp/bin/node-gyp.js",
  ]) {
    const js = join(prefix, "lib", "node_modules", pm);
    if (existsSync(js)) return [process.execPath, js];
  }
  return null;
}

const started = Date.now();
const gyp = nodeGyp();
const args = ["rebuild", "--release", "-j", "max"];
if (existsSync(join(prefix, "include", "node", "node.h"))) args.push(`--nodedir=${prefix}`);
let ok = false;
let why = "node-gyp was not found (install npm or pnpm, which bundle it)";
if (gyp !== null) {
  const r = spawnSync(gyp[0], [...gyp.slice(1), ...args], { cwd: root, encoding: "utf8" });
  ok = r.status === 0 && existsSync(join(root, "build", "Release", "nabla_native.node"));
  // The compiler's errors are on stderr, after make's progress lines on stdout: keep their end.
  if (!ok)
    why = r.error?.message ?? `${r.stdout ?? ""}\n${r.stderr ?? ""}`.trim().split("\n").slice(-30).join("\n");
  else why = "";
}
mkdirSync(join(root, "build"), { recursive: true });
// The loader reads this to say, once, why the native backend is missing.
writeFileSync(join(root, "build", "status.json"), JSON.stringify({ ok, why, ms: Date.now() - started }));
if (ok) console.log(`@nablajs/native: built in ${((Date.now() - started) / 1000).toFixed(1)} s`);
else {
  console.warn(`@nablajs/native: the addon did not compile; nabla will run on WebAssembly.\n${why}`);
  if (strict) process.exit(1);
}
