// The house rules that a reviewer would otherwise check by hand: no source file over 400 lines,
// and TSDoc on every export of the package entry and on every public member of Tensor.
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import ts from "typescript";
import { describe, expect, it } from "vitest";

const root = new URL(".", import.meta.url).pathname;

function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = join(dir, e.name);
    if (e.isDirectory()) return sources(p);
    return e.name.endsWith(".ts") && !e.name.endsWith(".generated.ts") ? [p] : [];
  });
}

describe("house rules", () => {
  it("no source file is over 400 lines", () => {
    const long = sources(root)
      .map((p) => [p.slice(root.length), readFileSync(p, "utf8").split("\n").length - 1] as const)
      .filter(([, n]) => n > 400);
    expect(long).toEqual([]);
  });

  it("every export of the entry, and every public member of Tensor, has TSDoc", () => {
    const entry = join(root, "index.ts");
    const program = ts.createProgram([entry], {
      target: ts.ScriptTarget.ES2022,
      module: ts.ModuleKind.ESNext,
      moduleResolution: ts.ModuleResolutionKind.Bundler,
      noEmit: true,
      skipLibCheck: true,
      types: [],
    });
    const checker = program.getTypeChecker();
    const module = checker.getSymbolAtLocation(program.getSourceFile(entry)!)!;
    const documented = (s: ts.Symbol) => {
      const target = s.flags & ts.SymbolFlags.Alias ? checker.getAliasedSymbol(s) : s;
      return ts.displayPartsToString(target.getDocumentationComment(checker)).trim().length > 0;
    };
    const missing = checker
      .getExportsOfModule(module)
      .filter((s) => !documented(s))
      .map((s) => s.name);
    const tensor = checker.getExportsOfModule(module).find((s) => s.name === "Tensor")!;
    const own = (s: ts.Symbol) =>
      s.declarations?.some((d) => d.getSourceFile().fileName.endsWith("/src/tensor.ts")) ?? false;
    const members = [...checker.getAliasedSymbol(tensor).members!.values()]
      .filter(
        (s) =>
          own(s) &&
          !s.name.startsWith("__") &&
          !(ts.getCombinedModifierFlags(s.declarations![0]!) & ts.ModifierFlags.Private),
      )
      .filter((s) => !documented(s))
      .map((s) => `Tensor.${s.name}`);
    expect([...missing, ...members]).toEqual([]);
  }, 30_000);
});
