import { backendStatus } from "@nablajs/tensor";
import type { PlotOptions } from "@observablehq/plot";
import { renderPlot } from "./plot.js";
import { formatTable } from "./table.js";

/** What an example gets to show its work: printing, plotting, and the claims it checks. */
export interface Context {
  /** Reduced sizes (tests, CI): the same claims on a smaller problem. */
  readonly small: boolean;
  /** Whether claims about wall time are checked: only in a full run, never under a test runner. */
  readonly timed: boolean;
  /** Prints a line (and keeps it for the gallery page). */
  print(...parts: unknown[]): void;
  /** Prints rows of numbers as an aligned table. */
  table(rows: readonly Record<string, unknown>[]): void;
  /** Renders an Observable Plot figure to SVG (at desktop and phone widths) under `id`. */
  plot(id: string, caption: string, options: PlotOptions): void;
  /** Adds a ready-made SVG figure (the computation graph). */
  svg(id: string, caption: string, svg: string): void;
  /** Adds a file for download beside the page (a Graphviz or Mermaid source). */
  file(name: string, content: string): void;
  /** States a claim and whether it holds; a failed claim fails the example. */
  claim(statement: string, ok: boolean, detail?: string): void;
}

/** One lesson of the gallery. */
export interface Example {
  readonly title: string;
  /** The idea in two or three sentences (plain text; `code` in backticks). */
  readonly idea: string;
  /** The formula, in TeX (typeset with KaTeX when the page is built). */
  readonly formula: string;
  run(ctx: Context): void | Promise<void>;
}

/** Declares an example (an identity that checks the shape at compile time). */
export function defineExample(example: Example): Example {
  return example;
}

/** A plot as rendered: the desktop and phone versions of one figure. */
export interface Figure {
  readonly id: string;
  readonly caption: string;
  readonly svg: string;
  readonly phoneSvg: string | undefined;
}

/** A claim and whether it held. */
export interface Claim {
  readonly statement: string;
  readonly ok: boolean;
  readonly detail: string | undefined;
}

/** Everything one run of an example produced: what the page shows. */
export interface Result {
  readonly name: string;
  readonly number: number;
  readonly title: string;
  readonly idea: string;
  readonly formula: string;
  readonly output: string[];
  readonly figures: Figure[];
  readonly files: Record<string, string>;
  readonly claims: Claim[];
  /** The error that stopped the example, if one did. */
  error: string | undefined;
  seconds: number;
  readonly backend: string;
  readonly small: boolean;
}

/** Whether every claim held and nothing threw. */
export const passed = (r: Result): boolean => r.error === undefined && r.claims.every((c) => c.ok);

/** Options of `runExample`. */
export interface RunOptions {
  readonly small?: boolean;
  /** Echo printed lines to the console (default true). */
  readonly echo?: boolean;
}

/** Runs `example` (named `file`, `nn-name`) and collects what it printed, plotted and claimed. */
export async function runExample(file: string, example: Example, opts: RunOptions = {}): Promise<Result> {
  const small = opts.small ?? false;
  const echo = opts.echo ?? true;
  const result: Result = {
    name: file.replace(/^\d+-/, ""),
    number: Number(file.slice(0, 2)),
    title: example.title,
    idea: example.idea,
    formula: example.formula,
    output: [],
    figures: [],
    files: {},
    claims: [],
    error: undefined,
    seconds: 0,
    backend: backendStatus().name,
    small,
  };
  const line = (s: string) => {
    result.output.push(s);
    if (echo) console.log(s);
  };
  const ctx: Context = {
    small,
    timed: !small && !process.env.VITEST,
    print: (...parts) => line(parts.map((p) => (typeof p === "string" ? p : String(p))).join(" ")),
    table: (rows) => formatTable(rows).forEach(line),
    plot(id, caption, options) {
      const svg = renderPlot(options, "desktop");
      result.figures.push({ id, caption, svg, phoneSvg: renderPlot(options, "phone") });
    },
    svg: (id, caption, svg) => result.figures.push({ id, caption, svg, phoneSvg: undefined }),
    file(name, content) {
      result.files[name] = content;
    },
    claim(statement, ok, detail) {
      result.claims.push({ statement, ok, detail });
      line(`${ok ? "✓" : "✗ FAILED:"} ${statement}${detail ? ` (${detail})` : ""}`);
    },
  };
  const start = performance.now();
  try {
    await example.run(ctx);
  } catch (e) {
    result.error = e instanceof Error ? (e.stack ?? e.message) : String(e);
    line(`✗ FAILED: ${result.error}`);
  }
  result.seconds = (performance.now() - start) / 1000;
  return result;
}
