import { broadcastShapes, isFloat, shapeStr, Tensor } from "@nablajs/tensor";

/** Throws unless `x` is a Tensor. */
export function checkTensor(op: string, x: unknown, what: string): Tensor {
  if (x instanceof Tensor) return x;
  throw new Error(`${op}: ${what} must be a Tensor, got ${x === null ? "null" : typeof x}`);
}

/** Throws unless `x` is a float32 or float64 tensor. */
export function checkFloat(op: string, x: unknown, what: string): Tensor {
  const t = checkTensor(op, x, what);
  if (!isFloat(t.dtype)) {
    throw new Error(
      `${op}: ${what} must be float32 or float64, got ${t.dtype} ${shapeStr(t.shape)}; cast with astype()`,
    );
  }
  return t;
}

/** Checks a float prediction and a float target of the same dtype and shape (no silent broadcast). */
export function checkPair(op: string, input: unknown, target: unknown, names = ["input", "target"]): void {
  const [a, b] = names as [string, string];
  const x = checkFloat(op, input, a);
  const y = checkTensor(op, target, b);
  if (!isFloat(y.dtype)) {
    throw new Error(
      `${op}: ${b} must be a float tensor of values, got ${y.dtype} ${shapeStr(y.shape)}; cast with astype('${x.dtype}')`,
    );
  }
  if (x.dtype !== y.dtype) {
    throw new Error(`${op}: ${a} is ${x.dtype} but ${b} is ${y.dtype}; cast one with astype()`);
  }
  if (x.shape.join() !== y.shape.join()) {
    throw new Error(
      `${op}: ${a} ${shapeStr(x.shape)} and ${b} ${shapeStr(y.shape)} must have the same shape`,
    );
  }
}

/** Checks that `w` broadcasts to `shape` without changing it (as a per-class weight on the last axis). */
export function checkBroadcastsTo(op: string, w: Tensor, what: string, shape: readonly number[]): void {
  const ok = (() => {
    try {
      return broadcastShapes(op, w.shape, shape).join() === shape.join();
    } catch {
      return false;
    }
  })();
  if (!ok) throw new Error(`${op}: ${what} ${shapeStr(w.shape)} does not broadcast to ${shapeStr(shape)}`);
}
