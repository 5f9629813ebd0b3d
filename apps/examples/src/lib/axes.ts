import { fmt } from "./table.js";

const SUPERSCRIPT: Record<string, string> = {
  "-": "⁻",
  0: "⁰",
  1: "¹",
  2: "²",
  3: "³",
  4: "⁴",
  5: "⁵",
  6: "⁶",
  7: "⁷",
  8: "⁸",
  9: "⁹",
};

/** A log axis tick: powers of ten as 10⁻⁵ (1, 10, 100 and 1000 as they are), others as numbers. */
export function pow10(d: number): string {
  const k = Math.log10(d);
  if (Math.abs(k - Math.round(k)) > 1e-9) return fmt(d, 2);
  const n = Math.round(k);
  return n >= 0 && n <= 3 ? String(10 ** n) : `10${[...String(n)].map((c) => SUPERSCRIPT[c]).join("")}`;
}

/** Options of a logarithmic axis labelled with powers of ten. */
export const logAxis = (label: string, extra: Record<string, unknown> = {}) => ({
  type: "log" as const,
  label,
  tickFormat: pow10,
  ...extra,
});
