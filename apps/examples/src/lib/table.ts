/** A number with `digits` significant digits, in exponent form when very large or small. */
export function fmt(v: number, digits = 4): string {
  if (!Number.isFinite(v)) return String(v);
  if (v === 0) return "0";
  const a = Math.abs(v);
  if (Number.isInteger(v) && a < 1e7) return String(v);
  const r = Number(v.toPrecision(digits));
  return a >= 1e5 || a < 1e-3 ? r.toExponential() : String(r);
}

/** Rows of values as text lines: a header and aligned columns (numbers right-aligned). */
export function formatTable(rows: readonly Record<string, unknown>[]): string[] {
  if (rows.length === 0) return [];
  const keys = Object.keys(rows[0]!);
  const cells = rows.map((r) =>
    keys.map((k) => (typeof r[k] === "number" ? fmt(r[k] as number) : String(r[k]))),
  );
  const widths = keys.map((k, i) => Math.max(k.length, ...cells.map((c) => c[i]!.length)));
  const numeric = keys.map((k) => rows.every((r) => typeof r[k] === "number"));
  const pad = (s: string, i: number) => (numeric[i] ? s.padStart(widths[i]!) : s.padEnd(widths[i]!));
  return [keys.map(pad).join("  ").trimEnd(), ...cells.map((c) => c.map(pad).join("  ").trimEnd())];
}
