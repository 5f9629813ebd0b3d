// AssemblyScript source of the WebAssembly SIMD kernels (compiled by scripts/build-wasm.mjs).
// The caller copies operands into linear memory with padded row strides (zeros in the padding),
// so every kernel works on whole 4-wide vectors.

/**
 * C[m4*4, n8*8] (+)= A B over one block of kc steps of k, with a 4x8 register-blocked f32x4
 * micro-kernel (8 accumulators, 2 B vectors, 1 A splat live). A is packed in panels of 4 rows
 * ([k][4] per panel, `aPanel` bytes apart), so each panel streams sequentially; B is row-major
 * with row stride ldb. With `acc`, C is loaded and added to (the caller blocks k for the cache).
 */
export function gemmNN(
  m4: i32, n8: i32, kc: i32,
  a: usize, aPanel: i32,
  b: usize, ldb: i32,
  c: usize, ldc: i32,
  acc: bool,
): void {
  const ldb4 = <usize>ldb * 4;
  const ldc4 = <usize>ldc * 4;
  for (let jb = 0; jb < n8; jb++) {
    for (let ib = 0; ib < m4; ib++) {
      let pb = b + <usize>jb * 32;
      let pa = a + <usize>ib * <usize>aPanel;
      const pc = c + <usize>ib * 4 * ldc4 + <usize>jb * 32;
      let c00 = acc ? v128.load(pc) : f32x4.splat(0);
      let c01 = acc ? v128.load(pc, 16) : f32x4.splat(0);
      let c10 = acc ? v128.load(pc + ldc4) : f32x4.splat(0);
      let c11 = acc ? v128.load(pc + ldc4, 16) : f32x4.splat(0);
      let c20 = acc ? v128.load(pc + 2 * ldc4) : f32x4.splat(0);
      let c21 = acc ? v128.load(pc + 2 * ldc4, 16) : f32x4.splat(0);
      let c30 = acc ? v128.load(pc + 3 * ldc4) : f32x4.splat(0);
      let c31 = acc ? v128.load(pc + 3 * ldc4, 16) : f32x4.splat(0);
      for (let p = 0; p < kc; p++) {
        const b0 = v128.load(pb);
        const b1 = v128.load(pb, 16);
        let s = v128.load32_splat(pa);
        c00 = f32x4.add(c00, f32x4.mul(s, b0));
        c01 = f32x4.add(c01, f32x4.mul(s, b1));
        s = v128.load32_splat(pa, 4);
        c10 = f32x4.add(c10, f32x4.mul(s, b0));
        c11 = f32x4.add(c11, f32x4.mul(s, b1));
        s = v128.load32_splat(pa, 8);
        c20 = f32x4.add(c20, f32x4.mul(s, b0));
        c21 = f32x4.add(c21, f32x4.mul(s, b1));
        s = v128.load32_splat(pa, 12);
        c30 = f32x4.add(c30, f32x4.mul(s, b0));
        c31 = f32x4.add(c31, f32x4.mul(s, b1));
        pa += 16;
        pb += ldb4;
      }
      v128.store(pc, c00);
      v128.store(pc, c01, 16);
      v128.store(pc + ldc4, c10);
      v128.store(pc + ldc4, c11, 16);
      v128.store(pc + 2 * ldc4, c20);
      v128.store(pc + 2 * ldc4, c21, 16);
      v128.store(pc + 3 * ldc4, c30);
      v128.store(pc + 3 * ldc4, c31, 16);
    }
  }
}

@inline
function hsum(v: v128): f32 {
  return f32x4.extract_lane(v, 0) + f32x4.extract_lane(v, 1) + f32x4.extract_lane(v, 2) + f32x4.extract_lane(v, 3);
}

/**
 * C[m, n] = A B^T for row-major A [m][k4] and B [n][k4] (k4 a multiple of 4, zero padded):
 * dot products along k, 2 rows x 4 columns at a time (8 accumulators).
 */
export function gemmNT(
  m: i32, n: i32, k4: i32,
  a: usize, lda: i32,
  b: usize, ldb: i32,
  c: usize, ldc: i32,
): void {
  const lda4 = <usize>lda * 4;
  const ldb4 = <usize>ldb * 4;
  const ldc4 = <usize>ldc * 4;
  let i = 0;
  for (; i + 2 <= m; i += 2) {
    const a0 = a + <usize>i * lda4;
    const a1 = a0 + lda4;
    let j = 0;
    for (; j + 4 <= n; j += 4) {
      const b0 = b + <usize>j * ldb4;
      let s00 = f32x4.splat(0);
      let s01 = f32x4.splat(0);
      let s02 = f32x4.splat(0);
      let s03 = f32x4.splat(0);
      let s10 = f32x4.splat(0);
      let s11 = f32x4.splat(0);
      let s12 = f32x4.splat(0);
      let s13 = f32x4.splat(0);
      for (let p: usize = 0; p < <usize>k4 * 4; p += 16) {
        const x0 = v128.load(a0 + p);
        const x1 = v128.load(a1 + p);
        let y = v128.load(b0 + p);
        s00 = f32x4.add(s00, f32x4.mul(x0, y));
        s10 = f32x4.add(s10, f32x4.mul(x1, y));
        y = v128.load(b0 + ldb4 + p);
        s01 = f32x4.add(s01, f32x4.mul(x0, y));
        s11 = f32x4.add(s11, f32x4.mul(x1, y));
        y = v128.load(b0 + 2 * ldb4 + p);
        s02 = f32x4.add(s02, f32x4.mul(x0, y));
        s12 = f32x4.add(s12, f32x4.mul(x1, y));
        y = v128.load(b0 + 3 * ldb4 + p);
        s03 = f32x4.add(s03, f32x4.mul(x0, y));
        s13 = f32x4.add(s13, f32x4.mul(x1, y));
      }
      const c0 = c + <usize>i * ldc4 + <usize>j * 4;
      store<f32>(c0, hsum(s00));
      store<f32>(c0, hsum(s01), 4);
      store<f32>(c0, hsum(s02), 8);
      store<f32>(c0, hsum(s03), 12);
      store<f32>(c0 + ldc4, hsum(s10));
      store<f32>(c0 + ldc4, hsum(s11), 4);
      store<f32>(c0 + ldc4, hsum(s12), 8);
      store<f32>(c0 + ldc4, hsum(s13), 12);
    }
    for (; j < n; j++) {
      store<f32>(c + <usize>i * ldc4 + <usize>j * 4, dot(a0, b + <usize>j * ldb4, k4));
      store<f32>(c + <usize>(i + 1) * ldc4 + <usize>j * 4, dot(a1, b + <usize>j * ldb4, k4));
    }
  }
  for (; i < m; i++) {
    for (let j = 0; j < n; j++) {
      store<f32>(c + <usize>i * ldc4 + <usize>j * 4, dot(a + <usize>i * lda4, b + <usize>j * ldb4, k4));
    }
  }
}

function dot(x: usize, y: usize, k4: i32): f32 {
  let s = f32x4.splat(0);
  for (let p: usize = 0; p < <usize>k4 * 4; p += 16) s = f32x4.add(s, f32x4.mul(v128.load(x + p), v128.load(y + p)));
  return hsum(s);
}
