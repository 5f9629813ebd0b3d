import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { allClose, tolerances } from "../../../../tooling/testing/src/index.js";
import type { DType } from "../dtype.js";
import * as T from "../node.js";
import type { Tensor } from "../tensor.js";
import { broadcastIndex, naiveBroadcastShape, narrowedInto, ravel, sizeOf, unravel } from "../test-utils.js";

/** NumPy matmul as a triple loop: 1-D operands promoted and the added axis dropped, batch axes broadcast. */
function naiveMatmul(a: Tensor, b: Tensor): { shape: number[]; data: number[] } {
  const as = a.ndim === 1 ? [1, a.shape[0]!] : [...a.shape];
  const bs = b.ndim === 1 ? [b.shape[0]!, 1] : [...b.shape];
  const [av, bv] = [a.toTypedArray(), b.toTypedArray()];
  const [m, k, n] = [as[as.length - 2]!, as[as.length - 1]!, bs[bs.length - 1]!];
  const ba = as.slice(0, -2);
  const bb = bs.slice(0, -2);
  const batch = naiveBroadcastShape(ba, bb)!;
  const data: number[] = [];
  for (let t = 0; t < sizeOf(batch); t++) {
    const bi = unravel(t, batch);
    for (let i = 0; i < m; i++)
      for (let j = 0; j < n; j++) {
        let s = 0;
        for (let p = 0; p < k; p++)
          s +=
            av[ravel([...broadcastIndex(bi, ba), i, p], as)]! *
            bv[ravel([...broadcastIndex(bi, bb), p, j], bs)]!;
        data.push(s);
      }
  }
  let shape = [...batch, m, n];
  if (b.ndim === 1) shape = shape.slice(0, -1);
  if (a.ndim === 1) shape.splice(shape.length - (b.ndim === 1 ? 1 : 2), 1);
  return { shape, data };
}

/** `x`'s values stored with its last two axes swapped, viewed back through mT: a transposed operand. */
function transposedView(x: Tensor): Tensor {
  return T.mT(T.contiguous(T.mT(x)));
}

/** `x`'s values inside a larger random block (offset, row gaps), narrowed back out. */
function narrowedView(x: Tensor, g: T.Generator): Tensor {
  return narrowedInto(
    x,
    T.randn(
      x.shape.map((d) => d + 3),
      { dtype: x.dtype, generator: g },
    ),
  );
}

function check(out: Tensor, a: Tensor, b: Tensor, dtype: DType, label = "") {
  const want = naiveMatmul(a, b);
  expect(out.shape, label).toEqual(want.shape);
  expect(out.dtype).toBe(dtype);
  const tol = dtype === "float64" ? tolerances(dtype) : { rtol: 1e-4, atol: 1e-5 };
  const r = allClose(out.toTypedArray(), want.data, tol);
  expect(r.pass, `${label}: ${r.message}`).toBe(true);
}

// The TypeScript reference kernel and the default backend (WebAssembly where SIMD validates) both run.
const backends = [T.jsBackend, T.getBackend()].filter((b, i, all) => all.indexOf(b) === i);
const cases = backends.flatMap((b) => (["float32", "float64"] as const).map((d) => [b.name, d, b] as const));

describe.each(cases)("matmul on the %s backend in %s", (_, dtype: DType, backend) => {
  let previous: T.Backend;
  beforeAll(() => {
    previous = T.getBackend();
    T.setBackend(backend);
  });
  afterAll(() => T.setBackend(previous));

  const g = new T.Generator(3);
  const rn = (shape: number[]) => T.randn(shape, { dtype, generator: g });

  it("hand-worked 2-D product", () => {
    const a = T.tensor(
      [
        [1, 2, 3],
        [4, 5, 6],
      ],
      { dtype },
    );
    const b = T.tensor(
      [
        [7, 8],
        [9, 10],
        [11, 12],
      ],
      { dtype },
    );
    expect(T.matmul(a, b).toArray()).toEqual([
      [58, 64],
      [139, 154],
    ]);
    expect(a.matmul(b).toArray()).toEqual([
      [58, 64],
      [139, 154],
    ]);
    expect(T.matmul(T.mT(b), T.mT(a)).toArray()).toEqual([
      [58, 139],
      [64, 154],
    ]);
  });

  it("transposed operands on each side and both, at sizes that cross the kernels' blocks", () => {
    const sizes: [number, number, number][] = [
      [1, 1, 1],
      [3, 5, 4],
      [4, 8, 4],
      [7, 3, 9],
      [5, 6, 1],
      [1, 6, 5],
      [6, 3, 260], // n > 256 crosses the panel width of the row kernel
    ];
    for (const [m, k, n] of sizes) {
      const a = rn([m, k]);
      const b = rn([k, n]);
      const [at, bt] = [transposedView(a), transposedView(b)];
      expect(at.isContiguous || m === 1 || k === 1).toBe(m === 1 || k === 1);
      for (const [name, x, y] of [
        ["a b", a, b],
        ["aT b", at, b],
        ["a bT", a, bt],
        ["aT bT", at, bt],
      ] as const)
        check(T.matmul(x, y), a, b, dtype, `${name} ${m}x${k}x${n}`);
      check(T.matmul(narrowedView(a, g), narrowedView(b, g)), a, b, dtype, `narrowed ${m}x${k}x${n}`);
      check(T.matmul(narrowedView(at, g), bt), a, b, dtype, `narrowed aT ${m}x${k}x${n}`);
    }
  });

  it("expanded (stride 0) operands", () => {
    const col = rn([4, 1]);
    const row = rn([1, 3]);
    const b = T.expand(col, [4, 3]); // every column the same
    const a = T.expand(row, [2, 3]); // every row the same
    const x = rn([2, 4]);
    check(T.matmul(x, b), x, T.contiguous(b), dtype, "expanded b");
    const y = rn([3, 5]);
    check(T.matmul(a, y), T.contiguous(a), y, dtype, "expanded a");
    check(T.matmul(a, T.mT(b)), T.contiguous(a), T.contiguous(T.mT(b)), dtype, "expanded both");
  });

  it("1-D operands: vector-vector, vector-matrix, matrix-vector, with batches", () => {
    const v = rn([4]);
    const w = rn([4]);
    const dot = T.matmul(v, w);
    expect(dot.shape).toEqual([]);
    check(dot, v, w, dtype, "dot");
    const m = rn([4, 3]);
    check(T.matmul(v, m), v, m, dtype, "vec @ mat");
    expect(T.matmul(v, m).shape).toEqual([3]);
    const mm = rn([2, 4]);
    check(T.matmul(mm, v), mm, v, dtype, "mat @ vec");
    const batched = rn([5, 4, 3]);
    check(T.matmul(v, batched), v, batched, dtype, "vec @ batch");
    expect(T.matmul(v, batched).shape).toEqual([5, 3]);
    const batchedL = rn([5, 2, 4]);
    check(T.matmul(batchedL, v), batchedL, v, dtype, "batch @ vec");
    const vs = narrowedView(v, g); // offset into larger storage
    check(T.matmul(vs, transposedView(m)), v, m, dtype, "narrowed vec @ transposed mat");
    check(
      T.matmul(transposedView(mm), T.squeeze(T.narrow(T.unsqueeze(v, 1).expand([4, 2]), 1, 1, 1), 1)),
      mm,
      v,
      dtype,
    );
  });

  it("batched and broadcast batches, with transposed operands", () => {
    const cases: [number[], number[]][] = [
      [
        [2, 3, 5],
        [2, 5, 4],
      ],
      [
        [2, 3, 5],
        [5, 4],
      ],
      [
        [3, 5],
        [2, 5, 4],
      ],
      [
        [2, 1, 3, 5],
        [4, 5, 2],
      ],
      [
        [1, 3, 5],
        [6, 5, 4],
      ],
      [
        [2, 2, 2, 3],
        [2, 1, 3, 2],
      ],
    ];
    for (const [sa, sb] of cases) {
      const a = rn(sa);
      const b = rn(sb);
      check(T.matmul(a, b), a, b, dtype, `${sa} @ ${sb}`);
      check(T.matmul(transposedView(a), transposedView(b)), a, b, dtype, `T ${sa} @ T ${sb}`);
      check(T.matmul(T.transpose(T.contiguous(T.transpose(a))), b), a, b, dtype, `reversed ${sa} @ ${sb}`);
    }
    const a = T.expand(rn([1, 3, 5]), [4, 3, 5]); // a batch axis of stride 0
    const b = rn([4, 5, 2]);
    check(T.matmul(a, b), T.contiguous(a), b, dtype, "expanded batch");
  });

  it("size-0 axes give empty or zero results", () => {
    expect(T.matmul(rn([2, 0]), rn([0, 3])).toArray()).toEqual([
      [0, 0, 0],
      [0, 0, 0],
    ]);
    expect(T.matmul(rn([0, 4]), rn([4, 3])).shape).toEqual([0, 3]);
    expect(T.matmul(rn([2, 4]), rn([4, 0])).shape).toEqual([2, 0]);
    expect(T.matmul(rn([0, 2, 4]), rn([4, 3])).shape).toEqual([0, 2, 3]);
    expect(T.matmul(rn([0]), rn([0])).item()).toBe(0);
  });

  it("property: random shapes, batches and transposes match the naive triple loop", () => {
    const dim = fc.integer({ min: 1, max: 7 });
    fc.assert(
      fc.property(
        fc.tuple(dim, dim, dim),
        fc.array(fc.integer({ min: 1, max: 3 }), { maxLength: 2 }),
        fc.array(fc.boolean(), { minLength: 6, maxLength: 6 }),
        fc.nat(999),
        ([m, k, n], batch, flags, seed) => {
          const gen = new T.Generator(seed);
          const sa = [...batch.map((d, i) => (flags[2 + i] ? 1 : d)), m, k];
          const sb = [...batch.slice(flags[4] ? 1 : 0).map((d, i) => (flags[5] && i === 0 ? 1 : d)), k, n];
          const a = T.randn(sa, { dtype, generator: gen });
          const b = T.randn(sb, { dtype, generator: gen });
          const x = flags[0] ? transposedView(a) : a;
          const y = flags[1] ? transposedView(b) : b;
          check(T.matmul(x, y), a, b, dtype, `${sa}${flags[0] ? "T" : ""} @ ${sb}${flags[1] ? "T" : ""}`);
        },
      ),
      { seed: 99, numRuns: 120 },
    );
  });
});

describe("mT", () => {
  it("swaps the last two axes as a view", () => {
    const x = T.arange(6).reshape([1, 2, 3]);
    const t = T.mT(x);
    expect(t.shape).toEqual([1, 3, 2]);
    expect(t.data).toBe(x.data);
    expect(t.toArray()).toEqual([
      [
        [0, 3],
        [1, 4],
        [2, 5],
      ],
    ]);
  });
});
