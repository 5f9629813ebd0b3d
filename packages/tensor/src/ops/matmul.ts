import { primitive, record } from "../autograd/node.js";
import { allocate } from "../dtype.js";
import { broadcastShapes, shapeStr, sizeOf } from "../shape.js";
import { Tensor } from "../tensor.js";
import { plus } from "./binary.js";
import { assertTensor, backend, operands, requireFloat } from "./util.js";
import { expand, squeeze, transpose, unsqueeze } from "./view.js";

/** Swaps the last two axes: a view, so backward's transposed products never copy. */
export function mT(x: Tensor): Tensor {
  if (assertTensor("mT", x).ndim < 2)
    throw new Error(`mT: expected at least 2 axes, got ${shapeStr(x.shape)}`);
  const perm = [...Array(x.ndim).keys()];
  perm[x.ndim - 2] = x.ndim - 1;
  perm[x.ndim - 1] = x.ndim - 2;
  return transpose(x, perm);
}

// d(AB) = dA B + A dB: the cotangents are g B^T and A^T g (batch axes summed by the engine), the
// tangent is dA B + A dB.
const rule = primitive(
  "matmul",
  (g, [a, b]) => [a!.requiresGrad ? matmul(g, mT(b!)) : null, b!.requiresGrad ? matmul(mT(a!), g) : null],
  ([da, db], [a, b]) => plus(da && matmul(da, b!), db && matmul(a!, db)),
);

/** Batched product of [..., m, k] and [..., k, n] with broadcast batch axes. */
function matmulND(a: Tensor, b: Tensor): Tensor {
  const m = a.shape[a.ndim - 2]!;
  const k = a.shape[a.ndim - 1]!;
  const n = b.shape[b.ndim - 1]!;
  const batch = broadcastShapes("matmul", a.shape.slice(0, -2), b.shape.slice(0, -2));
  const av = expand(a, [...batch, m, k]);
  const bv = expand(b, [...batch, k, n]);
  const shape = [...batch, m, n];
  const out = new Tensor(allocate(a.dtype, sizeOf(shape)), shape);
  if (k > 0) backend().matmul(av, bv, out.data);
  return record(rule, [a, b], out, undefined);
}

/**
 * Matrix product with NumPy semantics: 1-D operands are promoted to a row (left) or column
 * (right) vector and the added axis removed; axes before the last two broadcast as a batch.
 */
export function matmul(a: Tensor, b: Tensor): Tensor {
  assertTensor("matmul", a);
  assertTensor("matmul", b);
  operands("matmul", a, b);
  requireFloat("matmul", a);
  if (a.ndim === 0 || b.ndim === 0) {
    throw new Error(
      `matmul: both operands need at least 1 axis, got ${shapeStr(a.shape)} and ${shapeStr(b.shape)}`,
    );
  }
  const ka = a.shape[a.ndim - 1]!;
  const kb = b.shape[b.ndim === 1 ? 0 : b.ndim - 2]!;
  if (ka !== kb) {
    throw new Error(
      `matmul: shapes ${shapeStr(a.shape)} and ${shapeStr(b.shape)} do not align: ${ka} != ${kb}`,
    );
  }
  const a2 = a.ndim === 1 ? unsqueeze(a, 0) : a;
  const b2 = b.ndim === 1 ? unsqueeze(b, 1) : b;
  let out = matmulND(a2, b2);
  if (b.ndim === 1) out = squeeze(out, -1);
  if (a.ndim === 1) out = squeeze(out, b.ndim === 1 ? -1 : -2);
  return out;
}
