// int32 arithmetic wraps like PyTorch's (two's complement) on every backend, whatever the size.
import { describe, expect, it } from "vitest";
import * as T from "../../node.js";

describe("int32 products", () => {
  it("wrap around 2^32 for mul and square, small and large tensors alike", () => {
    for (const n of [3, 1000]) {
      const big = T.full([n], 2147483647, { dtype: "int32" });
      // torch.full((3,), 2**31 - 1, dtype=torch.int32) ** 2 -> 1; * 3 -> 2147483645
      expect(Array.from(big.mul(big).toTypedArray())).toEqual(new Array(n).fill(1));
      expect(Array.from(big.square().toTypedArray())).toEqual(new Array(n).fill(1));
      expect(Array.from(big.mul(3).toTypedArray())).toEqual(new Array(n).fill(2147483645));
    }
  });
});
