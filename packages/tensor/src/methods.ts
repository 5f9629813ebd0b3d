// Every op is also a method: `a.add(b)` is `add(a, b)`. This file attaches them to Tensor.
import { item, toArray, toTypedArray } from "./convert.js";
import type { NestedArray } from "./create.js";
import type { DType, TypedArray } from "./dtype.js";
import { formatTensor } from "./format.js";
import { astype } from "./ops/astype.js";
import * as bin from "./ops/binary.js";
import { clamp } from "./ops/clamp.js";
import { split } from "./ops/concat.js";
import { indexAdd, indexSelect, oneHot } from "./ops/gather.js";
import { matmul, mT } from "./ops/matmul.js";
import type { Axis } from "./ops/reduce.js";
import * as red from "./ops/reduce.js";
import { takeAlongAxis } from "./ops/take-along-axis.js";
import * as un from "./ops/unary.js";
import type { TensorLike } from "./ops/util.js";
import * as v from "./ops/view.js";
import { where } from "./ops/where.js";
import { type MultinomialOptions, multinomial, type TopK, topk } from "./sampling.js";
import { Tensor } from "./tensor.js";

declare module "./tensor.js" {
  interface Tensor {
    add(b: TensorLike): Tensor;
    sub(b: TensorLike): Tensor;
    mul(b: TensorLike): Tensor;
    div(b: TensorLike): Tensor;
    pow(exponent: TensorLike): Tensor;
    maximum(b: TensorLike): Tensor;
    minimum(b: TensorLike): Tensor;
    eq(b: TensorLike): Tensor;
    ne(b: TensorLike): Tensor;
    gt(b: TensorLike): Tensor;
    ge(b: TensorLike): Tensor;
    lt(b: TensorLike): Tensor;
    le(b: TensorLike): Tensor;
    neg(): Tensor;
    exp(): Tensor;
    log(): Tensor;
    sin(): Tensor;
    cos(): Tensor;
    tanh(): Tensor;
    sigmoid(): Tensor;
    relu(): Tensor;
    sqrt(): Tensor;
    abs(): Tensor;
    square(): Tensor;
    sign(): Tensor;
    clamp(min?: number, max?: number): Tensor;
    /** Self where `cond` is nonzero, `other` elsewhere (torch.Tensor.where): `where(cond, self, other)`. */
    where(cond: Tensor, other: TensorLike): Tensor;
    sum(axis?: Axis, keepdims?: boolean): Tensor;
    mean(axis?: Axis, keepdims?: boolean): Tensor;
    max(axis?: Axis, keepdims?: boolean): Tensor;
    min(axis?: Axis, keepdims?: boolean): Tensor;
    argmax(axis?: number, keepdims?: boolean): Tensor;
    argmin(axis?: number, keepdims?: boolean): Tensor;
    logsumexp(axis?: Axis, keepdims?: boolean): Tensor;
    var(axis?: Axis, keepdims?: boolean, correction?: number): Tensor;
    variance(axis?: Axis, keepdims?: boolean, correction?: number): Tensor;
    softmax(axis?: number): Tensor;
    logSoftmax(axis?: number): Tensor;
    matmul(b: Tensor): Tensor;
    mT(): Tensor;
    reshape(shape: readonly number[]): Tensor;
    transpose(axes?: readonly number[]): Tensor;
    squeeze(axis?: number | readonly number[]): Tensor;
    unsqueeze(axis: number): Tensor;
    expand(shape: readonly number[]): Tensor;
    narrow(axis: number, start: number, length: number): Tensor;
    split(sizes: number | readonly number[], axis?: number): Tensor[];
    flatten(): Tensor;
    indexSelect(axis: number, indices: Tensor): Tensor;
    indexAdd(axis: number, indices: Tensor, src: Tensor): Tensor;
    oneHot(n: number): Tensor;
    takeAlongAxis(indices: Tensor, axis: number): Tensor;
    topk(k: number, axis?: number): TopK;
    multinomial(numSamples: number, opts?: MultinomialOptions): Tensor;
    contiguous(): Tensor;
    detach(): Tensor;
    astype(dtype: DType): Tensor;
    toArray(): NestedArray;
    toTypedArray(): TypedArray;
    item(): number;
  }
}

type Method = (self: Tensor, ...args: any[]) => unknown;

// Each entry turns `x.name(...args)` into `name(x, ...args)`.
const methods: Record<string, Method> = {
  ...bin,
  ...un,
  ...red,
  var: red.variance,
  clamp,
  matmul,
  mT,
  split,
  indexSelect,
  indexAdd,
  oneHot,
  takeAlongAxis,
  topk,
  multinomial,
  astype,
  toArray,
  toTypedArray,
  item,
  toString: formatTensor,
  where: (self: Tensor, cond: Tensor, other: TensorLike) => where(cond, self, other),
  reshape: v.reshape,
  transpose: v.transpose,
  squeeze: v.squeeze,
  unsqueeze: v.unsqueeze,
  expand: v.expand,
  narrow: v.narrow,
  flatten: v.flatten,
  contiguous: v.contiguous,
  detach: v.detach,
};
for (const [name, fn] of Object.entries(methods)) {
  Object.defineProperty(Tensor.prototype, name, {
    value: function (this: Tensor, ...args: unknown[]) {
      return fn(this, ...args);
    },
    writable: true,
    configurable: true,
  });
}
