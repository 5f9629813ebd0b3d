/** An error in the command line itself: the process exits 2 with the message and a pointer to --help. */
export class UsageError extends Error {}

/** What an option accepts. */
export type OptionSpec =
  | { kind: "int"; min: number; max?: number }
  | { kind: "number"; min?: number; max?: number; above?: number; below?: number }
  | { kind: "choice"; choices: readonly string[] }
  | { kind: "string" }
  | { kind: "flag" };

export type Value = string | number | boolean;

/** A command line split into its command and the raw value of each option given. */
export interface Tokens {
  command: string | undefined;
  raw: Map<string, string | true>;
}

/**
 * Splits `--name value`, `--name=value` and `--flag` against `specs`: an unknown option or a
 * missing value is a UsageError naming it. A value may start with a dash (`--lr -1` reads -1 as
 * the value, to be checked like any other), unless it is itself a known option.
 */
export function tokenize(argv: readonly string[], specs: Record<string, OptionSpec>, who: string): Tokens {
  const raw = new Map<string, string | true>();
  let command: string | undefined;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === "-h" || arg === "-v") {
      raw.set(arg === "-h" ? "help" : "version", true);
      continue;
    }
    if (!arg.startsWith("--")) {
      if (command !== undefined || arg.startsWith("-"))
        throw new UsageError(`${who}: unexpected argument '${arg}'`);
      command = arg;
      continue;
    }
    const eq = arg.indexOf("=");
    const name = arg.slice(2, eq >= 0 ? eq : undefined);
    const spec = specs[name];
    if (spec === undefined) throw new UsageError(`${who}: unknown option --${name}${suggest(name, specs)}`);
    if (spec.kind === "flag") {
      if (eq >= 0) throw new UsageError(`${who}: --${name} takes no value`);
      raw.set(name, true);
      continue;
    }
    let value: string | undefined = eq >= 0 ? arg.slice(eq + 1) : argv[i + 1];
    if (eq < 0) {
      const isOption = value?.startsWith("--") === true && value.slice(2).split("=")[0]! in specs;
      if (isOption) value = undefined;
      else i++;
    }
    if (value === undefined) throw new UsageError(`${who}: --${name} needs a value`);
    raw.set(name, value);
  }
  return { command, raw };
}

/** Checks every option given against the specs of one command; returns the typed values. */
export function checkOptions(
  raw: Map<string, string | true>,
  specs: Record<string, OptionSpec>,
  who: string,
): Map<string, Value> {
  const values = new Map<string, Value>();
  for (const [name, v] of raw) {
    const spec = specs[name];
    if (spec === undefined) throw new UsageError(`${who}: unknown option --${name}${suggest(name, specs)}`);
    values.set(name, v === true ? true : checkValue(name, v, spec, who));
  }
  return values;
}

const NUMBER = /^[+-]?(\d+\.?\d*|\.\d+)(e[+-]?\d+)?$/i;

/** The value of `--name raw` checked against its spec. */
export function checkValue(name: string, raw: string, spec: OptionSpec, who: string): Value {
  if (spec.kind === "string") return raw;
  if (spec.kind === "choice") {
    if (!spec.choices.includes(raw))
      throw new UsageError(`${who}: --${name} must be one of ${spec.choices.join(", ")}, got '${raw}'`);
    return raw;
  }
  if (spec.kind === "flag") return true;
  const v = NUMBER.test(raw.trim()) ? Number(raw) : Number.NaN;
  const range = describeRange(spec);
  const fail = () => new UsageError(`${who}: --${name} must be ${range}, got ${raw}`);
  if (!Number.isFinite(v)) throw fail();
  if (spec.kind === "int") {
    if (!Number.isInteger(v) || v < spec.min || (spec.max !== undefined && v > spec.max)) throw fail();
    return v;
  }
  const { min, max, above, below } = spec;
  if ((min !== undefined && v < min) || (max !== undefined && v > max)) throw fail();
  if ((above !== undefined && !(v > above)) || (below !== undefined && !(v < below))) throw fail();
  return v;
}

function describeRange(spec: Extract<OptionSpec, { kind: "int" | "number" }>): string {
  if (spec.kind === "int")
    return `an integer >= ${spec.min}${spec.max === undefined ? "" : ` and <= ${spec.max}`}`;
  const parts = [
    spec.above !== undefined ? `> ${spec.above}` : spec.min !== undefined ? `>= ${spec.min}` : "",
    spec.below !== undefined ? `< ${spec.below}` : spec.max !== undefined ? `<= ${spec.max}` : "",
  ].filter((p) => p !== "");
  return parts.length === 0 ? "a number" : `a number ${parts.join(" and ")}`;
}

/** Levenshtein distance between a and b (insertions, deletions, substitutions). */
function distance(a: string, b: string): number {
  let row = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const next = [i];
    for (let j = 1; j <= b.length; j++)
      next[j] = Math.min(row[j]! + 1, next[j - 1]! + 1, row[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
    row = next;
  }
  return row[b.length]!;
}

/** " (did you mean --model?)" for the closest known option within 2 edits, else "". */
function suggest(name: string, specs: Record<string, unknown>): string {
  const best = Object.keys(specs)
    .map((k) => [k, distance(name, k)] as const)
    .sort((x, y) => x[1] - y[1])[0];
  return best && best[1] <= 2 ? ` (did you mean --${best[0]}?)` : "";
}
