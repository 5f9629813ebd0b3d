/**
 * Walks the innermost rows of `shape` for several strided operands at once, calling
 * `body(offsets, n)` once per row with each operand's offset of the row's first element.
 * The per-element work stays in the caller's tight loop; this only steps the outer axes.
 */
export function forEachRow(
  shape: readonly number[],
  strides: readonly (readonly number[])[],
  offsets: readonly number[],
  body: (offs: number[], n: number) => void,
): void {
  const nd = shape.length;
  const offs = offsets.slice();
  if (nd === 0) {
    body(offs, 1);
    return;
  }
  let size = 1;
  for (const d of shape) size *= d;
  if (size === 0) return;
  const n = shape[nd - 1]!;
  const rows = size / n;
  const idx = new Array<number>(nd).fill(0);
  const k = strides.length;
  for (let r = 0; r < rows; r++) {
    body(offs, n);
    for (let d = nd - 2; d >= 0; d--) {
      idx[d]!++;
      if (idx[d]! < shape[d]!) {
        for (let j = 0; j < k; j++) offs[j]! += strides[j]![d]!;
        break;
      }
      for (let j = 0; j < k; j++) offs[j]! -= strides[j]![d]! * (shape[d]! - 1);
      idx[d] = 0;
    }
  }
}

export { isDense } from "../../shape.js";
