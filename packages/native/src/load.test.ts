import { describe, expect, it } from "vitest";
import { loadNative } from "./index.js";

describe("loadNative", () => {
  it("loads the addon built at install and reports the instruction set it runs", () => {
    const r = loadNative();
    expect(r.error).toBeNull();
    expect(["avx512", "avx2", "scalar"]).toContain(r.addon!.isa());
  });
});
