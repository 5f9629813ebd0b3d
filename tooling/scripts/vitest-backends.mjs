// Runs the whole vitest suite once per backend (NABLA_BACKEND=native, wasm, js), so every test,
// PyTorch fixtures included, checks every backend CI has. Each run writes its JSON report to
// .vitest/results-<backend>.json; .ci/count.mjs adds them up. `--backends=native,wasm` picks
// some; other arguments go to vitest.
// A backend that cannot run here (no compiled addon) is said and skipped, not failed. The tests
// of @nablajs/native call the addon directly, whatever NABLA_BACKEND says: they run in the first
// pass only.
import { spawnSync } from "node:child_process";
import { mkdirSync } from "node:fs";
import { createRequire } from "node:module";

/** Why `backend` cannot run here, or null when it can (only the native addon may be missing). */
function unavailable(backend) {
  if (backend !== "native") return null;
  try {
    createRequire(import.meta.url)("../../packages/native/build/Release/nabla_native.node");
    return null;
  } catch (e) {
    return e.message.split("\n")[0];
  }
}

const chosen = process.argv.find((a) => a.startsWith("--backends="));
const backends = (chosen?.slice("--backends=".length) ?? "native,wasm,js").split(",");
const extra = process.argv.slice(2).filter((a) => a !== chosen);
mkdirSync(".vitest", { recursive: true });
let failed = false;
let addonTested = false;
for (const backend of backends) {
  const why = unavailable(backend);
  if (why !== null) {
    console.log(`\n== ${backend}: cannot run here (${why}), skipped`);
    continue;
  }
  console.log(`\n== vitest on the ${backend} backend`);
  const projects = addonTested ? ["--project", "!native"] : [];
  addonTested = true;
  const r = spawnSync("npx", ["vitest", "run", ...projects, ...extra], {
    stdio: "inherit",
    env: { ...process.env, NABLA_BACKEND: backend, NABLA_VITEST_JSON: `.vitest/results-${backend}.json` },
  });
  if (r.status !== 0) failed = true;
}
process.exit(failed ? 1 : 0);
