/**
 * The Q factor [m, n] (row-major, m >= n) of the thin QR decomposition of a matrix M with a
 * positive diagonal in R, by modified Gram-Schmidt run twice per column ("twice is enough",
 * Giraud et al. 2005), which keeps Q^T Q = I to rounding error.
 * M[i][j] is a[i * n + j], or a[j * m + i] when `transposed` (a holds M^T row-major).
 */
export function gramSchmidt(a: Float64Array, m: number, n: number, transposed: boolean): Float64Array {
  if (m < n) throw new Error(`gramSchmidt: need rows >= columns, got ${m} x ${n}`);
  const cols: Float64Array[] = [];
  for (let j = 0; j < n; j++) {
    const v = new Float64Array(m);
    for (let i = 0; i < m; i++) v[i] = transposed ? a[j * m + i]! : a[i * n + j]!;
    for (let pass = 0; pass < 2; pass++) {
      for (const u of cols) {
        let dot = 0;
        for (let i = 0; i < m; i++) dot += u[i]! * v[i]!;
        for (let i = 0; i < m; i++) v[i]! -= dot * u[i]!;
      }
    }
    let norm = 0;
    for (let i = 0; i < m; i++) norm += v[i]! * v[i]!;
    norm = Math.sqrt(norm);
    // NOTE: a normal matrix is rank-deficient with probability 0; this guards a broken generator.
    if (!(norm > 1e-12))
      throw new Error(`gramSchmidt: column ${j} is linearly dependent on the previous ones`);
    for (let i = 0; i < m; i++) v[i]! /= norm;
    cols.push(v);
  }
  const q = new Float64Array(m * n);
  for (let j = 0; j < n; j++) for (let i = 0; i < m; i++) q[i * n + j] = cols[j]![i]!;
  return q;
}
