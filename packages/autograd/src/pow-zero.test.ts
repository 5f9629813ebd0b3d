import { pow, sum, tensor } from "@nablajs/tensor";
import { expect, it } from "vitest";

it("pow with exponent 0 has gradient 0 at 0, as PyTorch", () => {
  const x = tensor([0, 1, 2], { dtype: "float64", requiresGrad: true });
  sum(pow(x, 0)).backward();
  expect(x.grad!.toArray()).toEqual([0, 0, 0]);
  const y = tensor([0, 2], { dtype: "float64", requiresGrad: true });
  sum(pow(y, 2)).backward();
  expect(y.grad!.toArray()).toEqual([0, 4]);
});
