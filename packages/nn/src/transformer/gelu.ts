import { add, mul, Tensor, tanh } from "@nablajs/tensor";
import { Module } from "../module.js";
import { erf } from "./erf.js";
import { fusedGelu } from "./fused/gelu.js";

/** How `gelu` computes Φ: exactly with erf ("none", the default) or with tanh's approximation. */
export type GeluApproximate = "none" | "tanh";

const SQRT_HALF = Math.SQRT1_2;
// NOTE: PyTorch's constant, M_SQRT2 * M_2_SQRTPI / 2: near x = -7, 1 + tanh(.) cancels to 1e-6 and
// an ulp of the constant shows in the tenth digit.
const SQRT_2_OVER_PI = Math.SQRT2 * 1.1283791670955126 * 0.5;

/**
 * The Gaussian error linear unit, elementwise (torch.nn.functional.gelu):
 *   "none":  gelu(x) = x Φ(x) = x/2 (1 + erf(x / sqrt 2))
 *   "tanh":  gelu(x) ≈ x/2 (1 + tanh(sqrt(2/pi) (x + 0.044715 x^3)))
 * One fused op (a loop forward keeping gelu'(x), a multiply backward); higher-order derivatives
 * and forward mode go through `geluReference`, the same formula in tensor ops. Any shape, float dtypes.
 * See https://arxiv.org/abs/1606.08415
 */
export function gelu(x: Tensor, approximate: GeluApproximate = "none"): Tensor {
  if (!(x instanceof Tensor)) throw new Error("gelu: expected a Tensor");
  if (approximate !== "none" && approximate !== "tanh")
    throw new Error(`gelu: approximate must be "none" or "tanh", got ${JSON.stringify(approximate)}`);
  if (x.dtype === "int32") throw new Error("gelu: expected a float tensor, got int32");
  return fusedGelu(x, approximate, (t) => geluReference(t, approximate));
}

/** gelu written with tensor ops (erf or tanh): the reference of the fused op, and its higher-order path. */
export function geluReference(x: Tensor, approximate: GeluApproximate = "none"): Tensor {
  if (approximate === "none") return mul(mul(x, 0.5), add(erf(mul(x, SQRT_HALF)), 1));
  if (approximate === "tanh") {
    const inner = mul(add(x, mul(mul(mul(x, x), x), 0.044715)), SQRT_2_OVER_PI);
    return mul(mul(x, 0.5), add(tanh(inner), 1));
  }
  throw new Error(`gelu: approximate must be "none" or "tanh", got ${JSON.stringify(approximate)}`);
}

/**
 * GELU as a layer: x Φ(x) elementwise, exact (erf) or with the tanh approximation
 * (`new GELU({ approximate: "tanh" })`). No parameters; any shape.
 * See https://arxiv.org/abs/1606.08415
 */
export class GELU extends Module {
  readonly approximate: GeluApproximate;

  constructor(opts: { approximate?: GeluApproximate } = {}) {
    super();
    const { approximate = "none" } = opts;
    if (approximate !== "none" && approximate !== "tanh")
      throw new Error(`GELU: approximate must be "none" or "tanh", got ${JSON.stringify(approximate)}`);
    this.approximate = approximate;
  }

  /** x -> gelu(x), the same shape. */
  forward(x: Tensor): Tensor {
    return gelu(x, this.approximate);
  }

  protected override extraRepr(): string {
    return `approximate=${this.approximate}`;
  }
}
