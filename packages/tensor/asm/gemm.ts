// AssemblyScript source of the WebAssembly SIMD kernels (compiled by scripts/build-wasm.mjs).
// The caller copies operands into linear memory with padded row strides (zeros in the padding),
// so every kernel works on whole 4-wide vectors.

/**
 * C[m4*4, n8*8] (+)= A B over one block of kc steps of k, with a 4x8 register-blocked f32x4
 * micro-kernel (8 accumulators, 2 B vectors, 1 A splat live). Both operands come packed in
 * panels that the kernel streams front to back: A in panels of 4 rows ([k][4], `aPanel` bytes
 * apart), B in panels of 8 columns ([k][8], `bPanel` bytes apart). With `acc`, C is loaded and
 * added to (the caller blocks k so a B panel stays in L1 across all A panels).
 */
export function gemmNN(
  m4: i32, n8: i32, kc: i32,
  a: usize, aPanel: i32,
  b: usize, bPanel: i32,
  c: usize, ldc: i32,
  acc: bool,
): void {
  const ldc4 = <usize>ldc * 4;
  for (let jb = 0; jb < n8; jb++) {
    for (let ib = 0; ib < m4; ib++) {
      let pb = b + <usize>jb * <usize>bPanel;
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
        pb += 32;
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
