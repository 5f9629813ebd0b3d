import { tensor } from "@nablajs/tensor";
import { describe, expect, it } from "vitest";
import { allClose, assertAllClose } from "./all-close.js";
import { fromFixture, loadFixture } from "./fixtures.js";

describe("allClose", () => {
  it("accepts values within tolerance and names the worst element otherwise", () => {
    expect(allClose([1, 2, 3], [1, 2, 3 + 1e-9]).pass).toBe(true);
    const r = allClose(tensor([1, 2, 3]), [1, 2.5, 3.1], { rtol: 1e-3 });
    expect(r.pass).toBe(false);
    expect(r.message).toContain("2 of 3");
    expect(r.message).toContain("flat index 1");
  });
  it("reports shape mismatches and NaN", () => {
    expect(allClose(tensor([[1, 2]]), [1, 2]).message).toContain("shapes differ");
    expect(allClose([Number.NaN], [1]).pass).toBe(false);
    expect(allClose([Number.NaN], [Number.NaN]).pass).toBe(true);
    expect(() => assertAllClose([1], [2])).toThrow(/worst at flat index 0/);
  });
});

describe("fixtures", () => {
  it("loads the PyTorch cases into tensors", () => {
    const ops = loadFixture("ops");
    expect(ops.generator).toContain("PyTorch");
    const t = fromFixture(ops.cases[0].args[0]);
    expect(t.dtype).toBe("float64");
    expect(t.shape).toEqual(ops.cases[0].args[0].shape);
  });
});
