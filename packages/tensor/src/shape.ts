/** A tensor's shape: one non-negative length per axis; `[]` is a scalar. */
export type Shape = readonly number[];

/** The number of elements of a tensor of `shape`: the product of its axes (1 for a scalar `[]`). */
export function sizeOf(shape: Shape): number {
  let n = 1;
  for (const d of shape) n *= d;
  return n;
}

/** Row-major (C-order) strides of a contiguous tensor of `shape`. */
export function contiguousStrides(shape: Shape): number[] {
  const strides = new Array<number>(shape.length);
  let s = 1;
  for (let i = shape.length - 1; i >= 0; i--) {
    strides[i] = s;
    s *= shape[i]!;
  }
  return strides;
}

/** `shape` as error messages print it: `[2,3]`, `[]` for a scalar. */
export function shapeStr(shape: Shape): string {
  return `[${shape.join(",")}]`;
}

/** NumPy broadcasting of two shapes; throws naming `op` when they do not broadcast. */
export function broadcastShapes(op: string, a: Shape, b: Shape): number[] {
  const n = Math.max(a.length, b.length);
  const out = new Array<number>(n);
  for (let i = 0; i < n; i++) {
    const da = a[a.length - n + i] ?? 1;
    const db = b[b.length - n + i] ?? 1;
    if (da !== db && da !== 1 && db !== 1) {
      throw new Error(
        `${op}: shapes ${shapeStr(a)} and ${shapeStr(b)} do not broadcast: axis ${i - n} has ${da} vs ${db}`,
      );
    }
    out[i] = da === 1 ? db : da;
  }
  return out;
}

/** Normalises a possibly negative axis into `[0, ndim)`. */
export function normAxis(op: string, axis: number, ndim: number): number {
  if (!Number.isInteger(axis) || axis < -ndim || axis >= ndim) {
    throw new Error(`${op}: axis ${axis} is out of range for a tensor of rank ${ndim}`);
  }
  return axis < 0 ? axis + ndim : axis;
}

/** Normalises an axis argument (undefined = all axes) into sorted unique axes. */
export function normAxes(op: string, axis: number | readonly number[] | undefined, ndim: number): number[] {
  if (axis === undefined) return Array.from({ length: ndim }, (_, i) => i);
  const list = typeof axis === "number" ? [axis] : axis;
  if (!Array.isArray(list))
    throw new Error(`${op}: axis must be a number or an array of numbers, got ${typeof axis}`);
  const out = list.map((a) => normAxis(op, a, ndim));
  const set = new Set(out);
  if (set.size !== out.length) throw new Error(`${op}: repeated axis in [${list.join(",")}]`);
  return out.sort((x, y) => x - y);
}

/** `shape` copied if it is an array of non-negative integers; otherwise throws naming `op`. */
export function checkShape(op: string, shape: unknown): number[] {
  if (!Array.isArray(shape) || !shape.every((d) => Number.isInteger(d) && d >= 0)) {
    throw new Error(`${op}: shape must be an array of non-negative integers, got ${JSON.stringify(shape)}`);
  }
  return shape.slice();
}

/** True when a view is row-major with no gaps (size-1 axes may have any stride). */
export function isDense(shape: readonly number[], strides: readonly number[]): boolean {
  let s = 1;
  for (let i = shape.length - 1; i >= 0; i--) {
    const d = shape[i]!;
    if (d !== 1 && strides[i] !== s) return false;
    s *= d;
  }
  return true;
}
