import {
  allocate,
  contiguousData,
  customGrad,
  enableGrad,
  getBackend,
  gradients,
  mul,
  pushforward,
  Tensor as T,
  type Tensor,
  type TypedArray,
  tanhf,
} from "@nablajs/tensor";
import { erfScalar } from "../erf.js";

const SQRT_HALF = Math.SQRT1_2;
const INV_SQRT_2PI = 1 / Math.sqrt(2 * Math.PI);
// PyTorch's constant, M_SQRT2 * M_2_SQRTPI / 2 (see gelu.ts).
const C = Math.SQRT2 * 1.1283791670955126 * 0.5;
const K = 0.044715;

/** y = gelu(x) and dy = gelu'(x), elementwise, exactly: Φ(x) = (1 + erf(x / sqrt 2)) / 2, gelu' = Φ + x φ. */
function exact(xd: TypedArray, y: TypedArray, dy: TypedArray): void {
  for (let i = 0; i < xd.length; i++) {
    const x = xd[i]!;
    const phi = 0.5 * (1 + erfScalar(x * SQRT_HALF));
    y[i] = x * phi;
    dy[i] = phi + x * INV_SQRT_2PI * Math.exp(-0.5 * x * x);
  }
}

/** The same with tanh's form: t = tanh(c (x + k x^3)), y = x (1 + t) / 2, dy = (1 + t) / 2 + x (1 - t^2) c (1 + 3 k x^2) / 2. */
function approximated(xd: TypedArray, y: TypedArray, dy: TypedArray, tanh: (v: number) => number): void {
  for (let i = 0; i < xd.length; i++) {
    const x = xd[i]!;
    const t = tanh(C * (x + K * x * x * x));
    const half = 0.5 * (1 + t);
    y[i] = x * half;
    dy[i] = half + 0.5 * x * (1 - t * t) * C * (1 + 3 * K * x * x);
  }
}

/**
 * GELU as ONE elementwise op (the formulas of gelu.ts): one pass forward, which also keeps
 * gelu'(x), and one multiply backward, instead of the composite's ~9 ops and their backward. The
 * pass is the backend's (`attention.gelu`, native) when it has one, else the loops here.
 * Higher-order passes and forward mode differentiate the composite `reference`.
 */
export function fusedGelu(x: Tensor, approximate: "none" | "tanh", reference: (x: Tensor) => Tensor): Tensor {
  const op = customGrad<Tensor, TypedArray>(
    (xt) => {
      const xd = contiguousData(xt!);
      const y = allocate(x.dtype, xd.length);
      const dy = allocate(x.dtype, xd.length);
      const kernel = getBackend().attention?.gelu;
      if (kernel) kernel(approximate, xd, y, dy);
      else if (approximate === "none") exact(xd, y, dy);
      else approximated(xd, y, dy, x.dtype === "float32" ? tanhf : Math.tanh);
      return { outputs: new T(y, x.shape), saved: dy };
    },
    (g, ins, _out, ctx) => {
      if (ctx.createGraph)
        return enableGrad(() => gradients([reference(ins[0]!)], ins, [g], { createGraph: true }));
      return [mul(g, new T(ctx.saved, x.shape))];
    },
    {
      name: "gelu",
      differentiable: true,
      jvp: (ts, ins) => pushforward((t) => [reference(t)], ins, [ts]).tangents[0]![0]!,
    },
  );
  return op(x);
}
