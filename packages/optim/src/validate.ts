/** Throws `${op}: Invalid ${what}: ${value}` unless `ok`, as PyTorch's optimizers do. */
export function check(op: string, ok: boolean, what: string, value: unknown): void {
  if (!ok)
    throw new Error(`${op}: Invalid ${what}: ${Array.isArray(value) ? `[${value.join(", ")}]` : value}`);
}

/** Checks `value` is a number >= 0 (NaN fails). */
export function nonNegative(op: string, what: string, value: unknown): void {
  check(op, typeof value === "number" && value >= 0, what, value);
}
