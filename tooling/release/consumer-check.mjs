// The consumer check: what an npm user installs must work. Packs every public package (building
// it first), installs the tarballs into fresh npm projects OUTSIDE the workspace (offline: our
// tarballs plus node-addon-api's, taken from the store), then type-checks and runs:
//   (a) the README's first example with @nablajs/tensor alone (its addon left uncompiled: one
//       warning, then wasm),
//   (e) a model trained with @nablajs/nn and @nablajs/losses alone (no autograd, no optim),
//   (b) a char-LSTM training step with the umbrella `nabla` alone (native backend in Node),
//   (c) a CommonJS require() of `nabla`, type-checked as a .cts file,
//   (d) a browser bundle (esbuild) of a training script in headless Chromium, on wasm,
// and lints every tarball with publint and @arethetypeswrong/cli.
// Prints the packed sizes and the bundle size, and writes .vitest/results-consumer.json so CI's
// closing line counts the checks. `node tooling/release/consumer-check.mjs`.
import { execFileSync, spawnSync } from "node:child_process";
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  statSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { packAll, root } from "./pack.mjs";

const here = join(root, "tooling", "release", "consumer");
// `--reuse=DIR`: a previous run's folder, its tarballs and installs kept (to iterate on a check).
const reuse = process.argv.find((a) => a.startsWith("--reuse="))?.slice("--reuse=".length);
const work = reuse ?? mkdtempSync(join(tmpdir(), "nabla-consumer-"));
const bin = (name) => join(root, "node_modules", ".bin", name);
const results = [];

function check(name, fn) {
  const started = Date.now();
  try {
    const detail = fn();
    results.push({ name, ok: true, ms: Date.now() - started });
    console.log(`  ok   ${name}${detail ? `: ${detail}` : ""}`);
  } catch (e) {
    results.push({ name, ok: false, ms: Date.now() - started, error: String(e.stderr ?? e.message ?? e) });
    console.log(`  FAIL ${name}\n${String(e.stdout ?? "")}${String(e.stderr ?? e.message ?? e)}`);
  }
}

/**
 * Installs `tarballs` (offline) into the npm project `work/name`, made on first use. With
 * `compile: false` install scripts are skipped (the addon is not compiled: nabla says so and
 * runs on wasm), so only the umbrella's install pays for a compile.
 */
function project(name, tarballs, { compile = true } = {}) {
  const dir = join(work, name);
  if (reuse) return dir;
  if (!existsSync(dir)) {
    mkdirSync(dir);
    writeFileSync(
      join(dir, "package.json"),
      JSON.stringify({ name: `consumer-${name}`, private: true, type: "module" }),
    );
  }
  const flags = [
    "--offline",
    "--no-audit",
    "--no-fund",
    "--loglevel=error",
    ...(compile ? [] : ["--ignore-scripts"]),
  ];
  execFileSync("npm", ["install", ...flags, ...tarballs], {
    cwd: dir,
    stdio: ["ignore", "pipe", "pipe"],
    env: { ...process.env, npm_config_cache: join(work, ".npm-cache") },
  });
  return dir;
}

/** The tarballs a previous run left in `dir`, as packAll describes them. */
function packedIn(dir) {
  return readdirSync(dir)
    .filter((f) => f.startsWith("nabla"))
    .map((f) => {
      const file = join(dir, f);
      const name = f.startsWith("nablajs-") ? `@nablajs/${f.slice(8).replace(/-\d.*$/, "")}` : "nabla";
      return { name, file, bytes: statSync(file).size };
    });
}

/** Type-checks `file` in `dir` as a consumer would (strict, module nodenext, library types checked), then runs it. */
function typecheckAndRun(dir, file, expectStderr) {
  const src = join(dir, file);
  writeFileSync(src, readFileSync(join(here, file)));
  const compilerOptions = {
    strict: true,
    module: "nodenext",
    moduleResolution: "nodenext",
    target: "es2022",
    lib: ["es2022", "dom"],
    types: [],
    skipLibCheck: false,
    outDir: "out",
  };
  writeFileSync(join(dir, "tsconfig.json"), JSON.stringify({ compilerOptions, files: [file] }));
  execFileSync(process.execPath, [join(root, "node_modules", "typescript", "bin", "tsc"), "-p", "."], {
    cwd: dir,
    stdio: "pipe",
  });
  const js = join(dir, "out", file.replace(/\.cts$/, ".cjs").replace(/\.ts$/, ".js"));
  const r = spawnSync(process.execPath, [js], { cwd: dir, encoding: "utf8" });
  if (r.status !== 0) throw new Error(`${file} exited ${r.status}:\n${r.stdout}${r.stderr}`);
  const last = r.stdout.trim().split("\n").pop();
  const report = JSON.parse(last);
  if (!report.ok) throw new Error(last);
  if (expectStderr !== undefined) expectStderr(r.stderr);
  return last;
}

/** Throws unless `stderr` says exactly once that the native backend is missing, and why. */
function saidOnceNativeMissing(stderr) {
  const said = stderr.split("\n").filter((l) => l.startsWith("nabla: the native backend is not available"));
  if (said.length !== 1) throw new Error(`expected one warning that native is missing, got:\n${stderr}`);
}

console.log("packing the public packages");
const packs = reuse ? packedIn(join(work, "packs")) : packAll(join(work, "packs"));
const napi = join(root, "node_modules", ".pnpm", "node-addon-api@8.9.2", "node_modules", "node-addon-api");
if (!reuse)
  execFileSync("npm", ["pack", "--pack-destination", join(work, "packs"), napi], { stdio: "ignore" });
const tgz = (name) => {
  if (name === "node-addon-api")
    return join(
      work,
      "packs",
      readdirSync(join(work, "packs")).find((f) => f.startsWith("node-addon-api")),
    );
  return packs.find((p) => p.name === name).file;
};
for (const p of packs)
  console.log(`  ${p.name.padEnd(18)} ${(p.bytes / 1024).toFixed(1).padStart(7)} kB packed`);

// Every tarball passes publint (manifest and files) and @arethetypeswrong/cli (types resolve in
// every module mode). NOTE: ESM-only on purpose (one Tensor class, no dual-package hazard);
// require() works from Node 20.19 (engines), as check (c) shows, so attw's "CJS resolves to
// ESM" is expected; node10 resolution (no `exports`) is out of scope for the same reason.
for (const p of packs) {
  check(`publint and attw: ${p.name}`, () => {
    execFileSync(
      process.execPath,
      [join(root, "node_modules", "publint", "src", "cli.js"), "run", "--strict", p.file],
      { stdio: "pipe" },
    );
    const attw = [join(root, "node_modules", "@arethetypeswrong", "cli", "dist", "index.js"), p.file];
    execFileSync(
      process.execPath,
      [...attw, "--profile", "node16", "--ignore-rules", "cjs-resolves-to-esm", "--format", "ascii"],
      { stdio: "pipe" },
    );
  });
}

const core = ["node-addon-api", "@nablajs/native", "@nablajs/tensor"];
console.log(`checking in ${work}`);
check("(a) the README's first example with @nablajs/tensor alone", () => {
  const dir = project("core", core.map(tgz), { compile: false });
  const installed = readdirSync(join(dir, "node_modules", "@nablajs")).sort();
  if (installed.join() !== "native,tensor") throw new Error(`installed ${installed}`);
  // Installed without running install scripts, the addon is not compiled: nabla says so once
  // and runs on wasm (what a machine without a compiler gets).
  return typecheckAndRun(dir, "core-alone.ts", saidOnceNativeMissing);
});
check("(e) @nablajs/nn and @nablajs/losses alone train a model", () => {
  // Its own project, so that (a)'s keeps only the core (and --reuse finds each as it was).
  const dir = project("nn-losses", [...core, "@nablajs/nn", "@nablajs/losses"].map(tgz), {
    compile: false,
  });
  const installed = readdirSync(join(dir, "node_modules", "@nablajs")).sort();
  if (installed.join() !== "losses,native,nn,tensor") throw new Error(`installed ${installed}`);
  return typecheckAndRun(dir, "nn-losses-alone.ts");
});
const all = ["node-addon-api", ...packs.map((p) => p.name)];
const umbrella = project("umbrella", all.map(tgz));
check("(b) a char-LSTM training step with the umbrella alone", () => {
  const r = typecheckAndRun(umbrella, "umbrella-lstm.ts");
  if (JSON.parse(r).backend !== "native") throw new Error(`expected the native backend: ${r}`);
  return r;
});
check("(c) CommonJS require() of nabla, type-checked as .cts", () =>
  typecheckAndRun(umbrella, "require.cts"),
);
check("(d) a browser bundle of a training script runs in headless Chromium on wasm", () => {
  writeFileSync(join(umbrella, "browser.ts"), readFileSync(join(here, "browser.ts")));
  const outfile = join(umbrella, "bundle.js");
  execFileSync(
    bin("esbuild"),
    ["browser.ts", "--bundle", "--minify", "--format=esm", "--platform=browser", `--outfile=${outfile}`],
    { cwd: umbrella, stdio: "pipe" },
  );
  const bytes = statSync(outfile).size;
  const { result } = runInChromium(umbrella, null);
  if (result.backend !== "wasm" || !(result.last < result.first)) throw new Error(JSON.stringify(result));
  return `bundle ${(bytes / 1024).toFixed(0)} kB minified, ${JSON.stringify(result)}`;
});
check("(d') a page whose CSP forbids WebAssembly falls back to js and says why, once", () => {
  const { result, warnings } = runInChromium(umbrella, "script-src 'self'");
  const said = warnings.filter((w) => w.startsWith("nabla:"));
  const reason = result.unavailable.find((u) => u.name === "wasm")?.reason ?? "";
  if (result.backend !== "js" || said.length !== 1 || !reason.includes("wasm-unsafe-eval"))
    throw new Error(JSON.stringify({ result, warnings }));
  return said[0];
});

/**
 * Serves `dir` on localhost (with the Content-Security-Policy `csp`, if any) and reads the result
 * the bundle leaves on <body> and the console warnings.
 */
function runInChromium(dir, csp) {
  const script = `
    import { chromium } from "playwright-core";
    import { createServer } from "node:http";
    import { readFileSync } from "node:fs";
    const server = createServer((req, res) => {
      if (req.url === "/bundle.js") { res.setHeader("content-type", "text/javascript"); res.end(readFileSync(${JSON.stringify(join(dir, "bundle.js"))})); return; }
      if (${JSON.stringify(csp)}) res.setHeader("content-security-policy", ${JSON.stringify(csp)});
      res.setHeader("content-type", "text/html"); res.end('<!doctype html><script type="module" src="/bundle.js"></script>');
    }).listen(0, "127.0.0.1", async () => {
      const browser = await chromium.launch({ executablePath: "/usr/bin/chromium", args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"] });
      const page = await browser.newPage();
      const errors = [];
      const warnings = [];
      page.on("pageerror", (e) => errors.push(e.message));
      page.on("console", (m) => m.type() === "warning" && warnings.push(m.text()));
      await page.goto("http://127.0.0.1:" + server.address().port + "/");
      // "attached": the default waits for the element to be visible, and an empty <body> never is
      // (each check then sat out the whole timeout).
      await page.waitForSelector("body[data-result]", { state: "attached", timeout: 60000 }).catch(() => {});
      const result = await page.evaluate(() => document.body.dataset.result ?? null);
      console.log(JSON.stringify({ result: result && JSON.parse(result), errors, warnings }));
      await browser.close(); server.close();
    });`;
  const out = execFileSync(process.execPath, ["--input-type=module", "-e", script], {
    cwd: root,
    stdio: "pipe",
  });
  const { result, errors, warnings } = JSON.parse(out.toString().trim().split("\n").pop());
  if (errors.length > 0) throw new Error(`page errors: ${errors.join("; ")}`);
  if (result === null) throw new Error("the page left no result within 60 s");
  return { result, warnings };
}

const failed = results.filter((r) => !r.ok).length;
mkdirSync(join(root, ".vitest"), { recursive: true });
writeFileSync(
  join(root, ".vitest", "results-consumer.json"),
  JSON.stringify({
    numPassedTests: results.length - failed,
    numFailedTests: failed,
    numPendingTests: 0,
    numTodoTests: 0,
    testResults: [
      { name: "consumer-check", status: failed ? "failed" : "passed", assertionResults: results },
    ],
  }),
);
console.log(`consumer check: ${results.length - failed} passed, ${failed} failed`);
process.exit(failed ? 1 : 0);
