import { tensor, zeros } from "@nablajs/tensor";
import { describe, expect, it } from "vitest";
import { bceWithLogits, crossEntropy, huber, l1, mse, nll } from "./index.js";

const f64 = { dtype: "float64" as const };
const logits = zeros([3, 4], f64);
const y = tensor([0, 1, 3], { dtype: "int32" });

describe("bad input gives a clear error", () => {
  it.each([
    ["crossEntropy", crossEntropy],
    ["nll", nll],
  ] as const)("%s", (name, loss) => {
    expect(() => loss(logits, tensor([0, 1, 4], { dtype: "int32" }))).toThrow(
      `${name}: target 4 at flat position 2 is out of range for 4 classes (ignoreIndex is -100)`,
    );
    expect(() => loss(logits, tensor([0, -1, 2], { dtype: "int32" }))).toThrow(/target -1 .* out of range/);
    expect(() => loss(logits, tensor([0, 1, 2], f64))).toThrow(
      `${name}: targets must be int32 class indices, got float64 [3]`,
    );
    expect(() => loss(logits, tensor([0, 1], { dtype: "int32" }))).toThrow(
      /targets \[2\] do not match .* \[3,4\]: expected \[3\]/,
    );
    expect(() => loss(zeros([3, 4], { dtype: "int32" }), y)).toThrow(/must be float32 or float64, got int32/);
    expect(() => loss(zeros([3, 0], f64), tensor([], { dtype: "int32" }))).toThrow(/needs a class axis/);
    expect(() => loss(logits, y, { reduction: "avg" as any })).toThrow(
      `${name}: reduction must be 'mean', 'sum' or 'none', got "avg"`,
    );
    expect(() => loss(logits, y, { weight: tensor([1, 1, 1], f64) })).toThrow(
      `${name}: weight must be float64 of shape [4], got float64 [3]`,
    );
    expect(() => loss(logits, y, { weight: tensor([1, 1, 1, 1]) })).toThrow(/got float32 \[4\]/);
    expect(() => loss(logits, y, { ignoreIndex: 0.5 })).toThrow(/ignoreIndex must be an integer/);
    expect(() => loss(null as any, y)).toThrow(/must be a Tensor, got null/);
  });

  it("crossEntropy: labelSmoothing outside [0, 1]", () => {
    expect(() => crossEntropy(logits, y, { labelSmoothing: 1.5 })).toThrow(
      "crossEntropy: labelSmoothing must be in [0, 1], got 1.5",
    );
    expect(() => crossEntropy(logits, y, { labelSmoothing: Number.NaN })).toThrow(/labelSmoothing/);
  });

  it.each([
    ["mse", mse, "pred", "target"],
    ["l1", l1, "pred", "target"],
    ["huber", huber, "pred", "target"],
    ["bceWithLogits", bceWithLogits, "logits", "targets"],
  ] as const)("%s", (name, loss, a, b) => {
    expect(() => loss(zeros([3], f64), zeros([4], f64))).toThrow(
      `${name}: ${a} [3] and ${b} [4] must have the same shape`,
    );
    expect(() => loss(zeros([3], f64), zeros([1], f64))).toThrow(/must have the same shape/);
    expect(() => loss(zeros([3], f64), zeros([3], { dtype: "int32" }))).toThrow(
      `${name}: ${b} must be a float tensor of values, got int32 [3]`,
    );
    expect(() => loss(zeros([3], { dtype: "int32" }), zeros([3], f64))).toThrow(
      `${name}: ${a} must be float32 or float64`,
    );
    expect(() => loss(zeros([3], f64), zeros([3]))).toThrow(`${name}: ${a} is float64 but ${b} is float32`);
    expect(() => loss(zeros([3], f64), zeros([3], f64), { reduction: "mean " as any })).toThrow(
      /reduction must be/,
    );
  });

  it("huber: delta must be positive; bceWithLogits: posWeight must fit", () => {
    expect(() => huber(zeros([2], f64), zeros([2], f64), { delta: 0 })).toThrow(
      "huber: delta must be > 0, got 0",
    );
    const z = zeros([2, 3], f64);
    expect(() => bceWithLogits(z, z, { posWeight: zeros([2], f64) })).toThrow(
      "bceWithLogits: posWeight [2] does not broadcast to [2,3]",
    );
    expect(() => bceWithLogits(z, z, { posWeight: zeros([2, 2, 3], f64) })).toThrow(/does not broadcast/);
    expect(() => bceWithLogits(z, z, { posWeight: zeros([3]) })).toThrow(
      "bceWithLogits: posWeight is float32 but logits are float64",
    );
  });
});
