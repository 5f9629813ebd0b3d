// Every ```ts example in every README of the repository is extracted, type-checked (strict, as
// a user's project would) and run, so no documented example can rot. A block is one module; it
// runs in a fresh temporary folder (examples may write files) and must finish without throwing.
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, relative } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import ts from "typescript";
import { afterAll, describe, expect, it } from "vitest";

const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, "..", "..", "..");
// Extracted blocks live inside this package so they resolve its dependencies (every package).
const out = join(here, "..", ".readme-examples");

/** The READMEs: the root's and those of every package, app and tool. */
function readmes(): string[] {
  const found = [join(root, "README.md")];
  for (const group of ["packages", "apps", "tooling"]) {
    for (const name of readdirSync(join(root, group))) {
      const p = join(root, group, name, "README.md");
      try {
        readFileSync(p);
        found.push(p);
      } catch {}
    }
  }
  return found;
}

interface Example {
  id: string;
  readme: string;
  line: number;
  code: string;
}

/** The ```ts blocks of a README, with the line each starts on. */
function examples(readme: string): Example[] {
  const lines = readFileSync(readme, "utf8").split("\n");
  const found: Example[] = [];
  for (let i = 0; i < lines.length; i++) {
    if (!/^```(ts|typescript)\s*$/.test(lines[i]!)) continue;
    const start = i + 1;
    let end = start;
    while (end < lines.length && !lines[end]!.startsWith("```")) end++;
    const rel = relative(root, readme);
    found.push({
      id: `${rel.replace(/[/.]/g, "_")}_${start}`,
      readme: rel,
      line: start,
      code: `${lines.slice(start, end).join("\n")}\nexport {};\n`,
    });
    i = end;
  }
  return found;
}

const all = readmes().flatMap(examples);
rmSync(out, { recursive: true, force: true });
mkdirSync(out, { recursive: true });
for (const ex of all) writeFileSync(join(out, `${ex.id}.ts`), ex.code);
afterAll(() => rmSync(out, { recursive: true, force: true }));

describe("README examples", () => {
  it("there are examples to check, in the root README and the packages'", () => {
    expect(all.length).toBeGreaterThan(10);
    expect(all.some((e) => e.readme === "README.md")).toBe(true);
  });

  it("all type-check as a strict user project", () => {
    const files = all.map((e) => join(out, `${e.id}.ts`));
    const program = ts.createProgram(files, {
      target: ts.ScriptTarget.ES2022,
      module: ts.ModuleKind.ESNext,
      moduleResolution: ts.ModuleResolutionKind.Bundler,
      customConditions: ["source"],
      strict: true,
      noEmit: true,
      skipLibCheck: true,
      lib: ["lib.es2022.d.ts", "lib.dom.d.ts"],
      types: ["node"],
      typeRoots: [join(root, "node_modules", "@types")],
    });
    const errors = ts
      .getPreEmitDiagnostics(program)
      .filter((d) => d.file === undefined || files.includes(d.file.fileName))
      .map((d) => {
        const ex = d.file ? all.find((e) => d.file!.fileName.endsWith(`${e.id}.ts`)) : undefined;
        const pos = d.file && d.start !== undefined ? d.file.getLineAndCharacterOfPosition(d.start).line : 0;
        const where = ex ? `${ex.readme}:${ex.line + pos}` : "?";
        return `${where}: ${ts.flattenDiagnosticMessageText(d.messageText, "\n")}`;
      });
    expect(errors).toEqual([]);
  }, 120_000);

  it.each(all.map((e) => [`${e.readme}:${e.line}`, e] as const))(
    "%s runs",
    async (_, ex) => {
      const cwd = process.cwd();
      const dir = mkdtempSync(join(tmpdir(), "nabla-readme-"));
      process.chdir(dir);
      try {
        await import(pathToFileURL(join(out, `${ex.id}.ts`)).href);
      } finally {
        process.chdir(cwd);
        rmSync(dir, { recursive: true, force: true });
      }
    },
    60_000,
  );
});
