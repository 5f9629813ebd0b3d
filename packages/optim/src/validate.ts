import { shapeStr, Tensor } from "@nablajs/tensor";

/** Throws `${op}: Invalid ${what}: ${value}` unless `ok`, as PyTorch's optimizers do. */
export function check(op: string, ok: boolean, what: string, value: unknown): void {
  if (!ok)
    throw new Error(`${op}: Invalid ${what}: ${Array.isArray(value) ? `[${value.join(", ")}]` : value}`);
}

/** Checks `value` is a number >= 0 (NaN fails). */
export function nonNegative(op: string, what: string, value: unknown): void {
  check(op, typeof value === "number" && value >= 0, what, value);
}

/** Throws `${op}: ${what} must be a positive number, got ${value}` unless `value` > 0 and finite. */
export function positive(op: string, what: string, value: unknown): void {
  if (!(typeof value === "number" && value > 0 && Number.isFinite(value)))
    throw new Error(`${op}: ${what} must be a positive number, got ${value}`);
}

/** Throws `${op}: ${what} must be a positive integer, got ${value}` unless `value` is an integer >= 1. */
export function positiveInteger(op: string, what: string, value: unknown): void {
  if (!(Number.isInteger(value) && (value as number) >= 1))
    throw new Error(`${op}: ${what} must be a positive integer, got ${value}`);
}

/** The closure's result, checked to be a one-element loss tensor. */
export function closureLoss(op: string, loss: unknown): Tensor {
  if (!(loss instanceof Tensor) || loss.size !== 1) {
    const what = loss instanceof Tensor ? `a tensor of shape ${shapeStr(loss.shape)}` : typeof loss;
    throw new Error(`${op}: the closure must return a scalar loss tensor, got ${what}`);
  }
  return loss;
}
