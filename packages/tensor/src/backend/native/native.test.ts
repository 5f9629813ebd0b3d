// The native backend against the TypeScript reference backend, op by op (more ops join as the
// addon grows). The backend the package chose in Node is checked too.

import { loadNative } from "@nablajs/native";
import { describe, expect, it } from "vitest";
import { allClose } from "../../../../../tooling/testing/src/index.js";
import * as T from "../../node.js";
import { jsBackend } from "../js/index.js";
import { createNativeBackend } from "./index.js";

const g = new T.Generator(7);
const { addon, error } = loadNative();
if (addon === null) throw new Error(`the native addon must load for these tests: ${error}`);
const native = createNativeBackend(addon, jsBackend);

function onBackend<R>(b: T.Backend, fn: () => R): R {
  const prev = T.getBackend();
  T.setBackend(b);
  try {
    return fn();
  } finally {
    T.setBackend(prev);
  }
}

describe("the native backend", () => {
  it("is the default in Node when its addon loads (NABLA_BACKEND unset)", () => {
    if (process.env.NABLA_BACKEND === undefined) expect(T.getBackend().name).toBe("native");
    expect(T.backendStatus().name).toBe(T.getBackend().name);
  });

  it.each([
    ["float32", [1, 1, 1]],
    ["float32", [5, 7, 3]],
    ["float32", [32, 256, 1024]],
    ["float64", [17, 33, 9]],
    ["float64", [64, 64, 64]],
  ] as const)("matmul %s %j matches the TypeScript backend, plain and transposed", (dtype, [m, k, n]) => {
    const a = T.randn([m, k], { dtype, generator: g });
    const b = T.randn([k, n], { dtype, generator: g });
    const bt = T.randn([n, k], { dtype, generator: g }).mT();
    const at = T.randn([k, m], { dtype, generator: g }).mT();
    for (const [x, y] of [
      [a, b],
      [a, bt],
      [at, b],
      [at, bt],
    ] as const) {
      const got = onBackend(native, () => T.matmul(x, y));
      const want = onBackend(jsBackend, () => T.matmul(x, y));
      const tol =
        dtype === "float32" ? { rtol: 1e-5, atol: 1e-5 * Math.sqrt(k) } : { rtol: 1e-12, atol: 1e-12 };
      expect(allClose(got, want, tol).pass).toBe(true);
    }
  });

  it("setNumThreads sizes the native pool (torch.set_num_threads); 0 restores the default", () => {
    const prev = T.getBackend();
    T.setBackend(native);
    try {
      const def = T.getNumThreads();
      T.setNumThreads(1);
      expect(T.getNumThreads()).toBe(1);
      T.setNumThreads(0);
      expect(T.getNumThreads()).toBe(def);
      expect(() => T.setNumThreads(-1)).toThrow(/setNumThreads: expected an integer >= 0, got -1/);
    } finally {
      T.setBackend(prev);
    }
  });

  it("batched matmul with broadcast batch axes and a packed (prepared) right operand", () => {
    const a = T.randn([2, 3, 4, 5], { generator: g });
    const b = T.randn([3, 5, 6], { generator: g });
    const got = onBackend(native, () => T.matmul(a, b));
    const want = onBackend(jsBackend, () => T.matmul(a, b));
    expect(allClose(got, want, { rtol: 1e-5, atol: 1e-5 }).pass).toBe(true);
    const w = T.randn([40, 24], { generator: g });
    const x = T.randn([8, 40], { generator: g });
    const prepared = native.prepare!(w);
    const out = new Float32Array(8 * 24);
    native.matmul(x, prepared, out);
    expect(
      allClose(
        out,
        onBackend(jsBackend, () => T.matmul(x, w)),
        { rtol: 1e-5, atol: 1e-5 },
      ).pass,
    ).toBe(true);
  });
});
