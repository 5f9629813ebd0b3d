import type { TypedArray } from "../../dtype.js";
import { contiguousStrides } from "../../shape.js";
import type { View } from "../backend.js";
import { forEachRow } from "./rows.js";

const NC = 256; // columns of B per panel: 4 rows of C x 256 stay in L1

/**
 * C[m,n] = A[m,k] B[k,n] for strided A and row-contiguous B (bs1 = 1): four rows of C at a
 * time share each loaded row of B, with B's columns taken in cache-sized panels.
 */
function gemmRowB(
  m: number,
  n: number,
  k: number,
  A: TypedArray,
  ao: number,
  as0: number,
  as1: number,
  B: TypedArray,
  bo: number,
  bs0: number,
  C: TypedArray,
  co: number,
): void {
  for (let j0 = 0; j0 < n; j0 += NC) {
    const j1 = Math.min(n, j0 + NC);
    let i = 0;
    for (; i + 4 <= m; i += 4) {
      const c0 = co + i * n;
      const c1 = c0 + n;
      const c2 = c1 + n;
      const c3 = c2 + n;
      for (let p = 0; p < k; p++) {
        const ap = ao + i * as0 + p * as1;
        const a0 = A[ap]!;
        const a1 = A[ap + as0]!;
        const a2 = A[ap + 2 * as0]!;
        const a3 = A[ap + 3 * as0]!;
        const bp = bo + p * bs0;
        for (let j = j0; j < j1; j++) {
          const b = B[bp + j]!;
          C[c0 + j]! += a0 * b;
          C[c1 + j]! += a1 * b;
          C[c2 + j]! += a2 * b;
          C[c3 + j]! += a3 * b;
        }
      }
    }
    for (; i < m; i++) {
      const c0 = co + i * n;
      for (let p = 0; p < k; p++) {
        const a0 = A[ao + i * as0 + p * as1]!;
        const bp = bo + p * bs0;
        for (let j = j0; j < j1; j++) C[c0 + j]! += a0 * B[bp + j]!;
      }
    }
  }
}

/** C[m,n] = A[m,k] B[k,n] with rows of A and columns of B contiguous: dot products along k. */
function gemmDot(
  m: number,
  n: number,
  k: number,
  A: TypedArray,
  ao: number,
  as0: number,
  B: TypedArray,
  bo: number,
  bs1: number,
  C: TypedArray,
  co: number,
): void {
  for (let i = 0; i < m; i++) {
    const a = ao + i * as0;
    let j = 0;
    for (; j + 2 <= n; j += 2) {
      const b0 = bo + j * bs1;
      const b1 = b0 + bs1;
      let s0 = 0;
      let s1 = 0;
      for (let p = 0; p < k; p++) {
        const av = A[a + p]!;
        s0 += av * B[b0 + p]!;
        s1 += av * B[b1 + p]!;
      }
      C[co + i * n + j] = s0;
      C[co + i * n + j + 1] = s1;
    }
    for (; j < n; j++) {
      const b0 = bo + j * bs1;
      let s = 0;
      for (let p = 0; p < k; p++) s += A[a + p]! * B[b0 + p]!;
      C[co + i * n + j] = s;
    }
  }
}

export function matmul(a: View, b: View, out: TypedArray): void {
  const nd = a.shape.length;
  const m = a.shape[nd - 2]!;
  const k = a.shape[nd - 1]!;
  const n = b.shape[nd - 1]!;
  const [as0, as1] = [a.strides[nd - 2]!, a.strides[nd - 1]!];
  const [bs0, bs1] = [b.strides[nd - 2]!, b.strides[nd - 1]!];
  const batch = a.shape.slice(0, nd - 2);
  const mn = m * n;
  let Bdata = b.data;
  let Bs = b.strides.slice();
  let Bo = b.offset;
  const rowB = bs1 === 1 || n === 1;
  const dot = !rowB && (as1 === 1 || k === 1) && (bs0 === 1 || k === 1);
  if (!rowB && !dot) {
    // Neither layout fits a kernel: make B row-major once for all batches.
    const shape = b.shape;
    const tmp = new (b.data.constructor as new (n: number) => TypedArray)(shape.reduce((x, y) => x * y, 1));
    forEachRow(shape, [b.strides, contiguousStrides(shape)], [b.offset, 0], (offs, len) => {
      for (let i = 0; i < len; i++) tmp[offs[1]! + i] = b.data[offs[0]! + i * bs1]!;
    });
    Bdata = tmp;
    Bs = contiguousStrides(shape);
    for (let d = 0; d < nd - 2; d++) if (b.strides[d] === 0) Bs[d] = 0;
    Bo = 0;
  }
  const bRow = Bs[nd - 2]!;
  let batchIndex = 0;
  const run = (aOff: number, bOff: number) => {
    const co = batchIndex * mn;
    batchIndex++;
    if (!rowB && dot) gemmDot(m, n, k, a.data, aOff, as0, Bdata, bOff, bs1, out, co);
    else gemmRowB(m, n, k, a.data, aOff, as0, as1, Bdata, bOff, bRow, out, co);
  };
  if (batch.length === 0) {
    run(a.offset, Bo);
    return;
  }
  // Step the batch axes with a trailing length-1 axis so forEachRow visits every batch.
  forEachRow(
    [...batch, 1],
    [
      [...a.strides.slice(0, nd - 2), 0],
      [...Bs.slice(0, nd - 2), 0],
    ],
    [a.offset, Bo],
    (offs) => run(offs[0]!, offs[1]!),
  );
}
