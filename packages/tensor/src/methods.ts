// Every op is also a method: `a.add(b)` is `add(a, b)`. This file attaches them to Tensor.
import { toArray, toTypedArray, item } from "./convert.js";
import type { DType, TypedArray } from "./dtype.js";
import { formatTensor } from "./format.js";
import type { NestedArray } from "./create.js";
import * as bin from "./ops/binary.js";
import { astype } from "./ops/astype.js";
import { clamp } from "./ops/clamp.js";
import { indexSelect } from "./ops/gather.js";
import { matmul } from "./ops/matmul.js";
import * as red from "./ops/reduce.js";
import * as un from "./ops/unary.js";
import type { TensorLike } from "./ops/util.js";
import * as v from "./ops/view.js";
import { split } from "./ops/concat.js";
import { Tensor } from "./tensor.js";
import type { Axis } from "./ops/reduce.js";

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
    sum(axis?: Axis, keepdims?: boolean): Tensor;
    mean(axis?: Axis, keepdims?: boolean): Tensor;
    max(axis?: Axis, keepdims?: boolean): Tensor;
    min(axis?: Axis, keepdims?: boolean): Tensor;
    argmax(axis?: number, keepdims?: boolean): Tensor;
    argmin(axis?: number, keepdims?: boolean): Tensor;
    logsumexp(axis?: Axis, keepdims?: boolean): Tensor;
    var(axis?: Axis, keepdims?: boolean, correction?: number): Tensor;
    softmax(axis?: number): Tensor;
    logSoftmax(axis?: number): Tensor;
    matmul(b: Tensor): Tensor;
    reshape(shape: readonly number[]): Tensor;
    transpose(axes?: readonly number[]): Tensor;
    squeeze(axis?: number | readonly number[]): Tensor;
    unsqueeze(axis: number): Tensor;
    expand(shape: readonly number[]): Tensor;
    narrow(axis: number, start: number, length: number): Tensor;
    split(sizes: number | readonly number[], axis?: number): Tensor[];
    flatten(): Tensor;
    indexSelect(axis: number, indices: Tensor): Tensor;
    contiguous(): Tensor;
    detach(): Tensor;
    astype(dtype: DType): Tensor;
    toArray(): NestedArray;
    toTypedArray(): TypedArray;
    item(): number;
  }
}

const methods: Record<string, (this: Tensor, ...args: any[]) => unknown> = {};
const binaryNames = ["add", "sub", "mul", "div", "pow", "maximum", "minimum", "eq", "ne", "gt", "ge", "lt", "le"] as const;
for (const name of binaryNames) methods[name] = function (b) {
  return bin[name](this, b);
};
const unaryNames = ["neg", "exp", "log", "sin", "cos", "tanh", "sigmoid", "relu", "sqrt", "abs", "square", "sign"] as const;
for (const name of unaryNames) methods[name] = function () {
  return un[name](this);
};
const reduceNames = ["sum", "mean", "max", "min", "argmax", "argmin", "logsumexp", "softmax", "logSoftmax"] as const;
for (const name of reduceNames) methods[name] = function (...args) {
  return (red[name] as (...a: unknown[]) => Tensor)(this, ...args);
};
const viewNames = ["reshape", "transpose", "squeeze", "unsqueeze", "expand", "narrow", "flatten", "contiguous", "detach"] as const;
for (const name of viewNames) methods[name] = function (...args) {
  return (v[name] as (...a: unknown[]) => Tensor)(this, ...args);
};
Object.assign(methods, {
  var(this: Tensor, axis?: Axis, keepdims?: boolean, correction?: number) {
    return red.variance(this, axis, keepdims, correction);
  },
  clamp(this: Tensor, lo?: number, hi?: number) {
    return clamp(this, lo, hi);
  },
  matmul(this: Tensor, b: Tensor) {
    return matmul(this, b);
  },
  split(this: Tensor, sizes: number | readonly number[], axis?: number) {
    return split(this, sizes, axis);
  },
  indexSelect(this: Tensor, axis: number, indices: Tensor) {
    return indexSelect(this, axis, indices);
  },
  astype(this: Tensor, dtype: DType) {
    return astype(this, dtype);
  },
  toArray(this: Tensor) {
    return toArray(this);
  },
  toTypedArray(this: Tensor) {
    return toTypedArray(this);
  },
  item(this: Tensor) {
    return item(this);
  },
  toString(this: Tensor) {
    return formatTensor(this);
  },
});
for (const [name, fn] of Object.entries(methods)) {
  Object.defineProperty(Tensor.prototype, name, { value: fn, writable: true, configurable: true });
}
