import { fileURLToPath } from "node:url";
import { Worker } from "node:worker_threads";
import { describe, expect, it } from "vitest";

// Three workers run split products at once: the pool takes one region at a
// time, every thread packs into its own scratch memory, and the results must not mix.
const body = `
const { parentPort, workerData } = require("node:worker_threads");
const addon = require(workerData.path);
let s = workerData.seed;
const rand = () => ((s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 2 ** 32) * 2 - 1;
const [m, n, k] = [96, 160, 200];
let worst = 0;
for (let round = 0; round < 20; round++) {
  const a = Float64Array.from({ length: m * k }, rand);
  const b = Float64Array.from({ length: k * n }, rand);
  const c = new Float64Array(m * n);
  addon.gemm(a, 0, 1, m, b, 0, n, 1, c, 0, n, m, n, k, false); // A stored transposed
  for (let i = 0; i < m; i++)
    for (let j = 0; j < n; j++) {
      let sum = 0;
      for (let p = 0; p < k; p++) sum += a[p * m + i] * b[p * n + j];
      worst = Math.max(worst, Math.abs(c[i * n + j] - sum));
    }
}
parentPort.postMessage(worst);
`;

describe("gemm from several JavaScript threads at once", () => {
  it("gives every thread its own correct products", async () => {
    const path = fileURLToPath(new URL("../build/Release/nabla_native.node", import.meta.url));
    const run = (seed: number) =>
      new Promise<number>((resolve, reject) => {
        const w = new Worker(body, { eval: true, workerData: { path, seed } });
        w.once("message", resolve);
        w.once("error", reject);
      });
    const worst = await Promise.all([run(1), run(2), run(3)]);
    for (const x of worst) expect(x).toBeLessThan(1e-12);
  });
});
