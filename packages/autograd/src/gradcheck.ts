import { enableGrad, Generator, gradients, noGrad, randn, reshape, shapeStr, Tensor } from "@nablajs/tensor";
import { flatConcat, vjp } from "./functional.js";
import { checkFn, checkOutput } from "./trace.js";

export interface GradcheckOptions {
  /** Finite-difference step (default 1e-6). */
  eps?: number;
  /** Absolute tolerance (default 1e-5). */
  atol?: number;
  /** Relative tolerance (default 1e-3). */
  rtol?: number;
}

/** A function of tensors to a tensor, as the checks take it. */
export type Fn = (...xs: Tensor[]) => Tensor;

/** Storage index of flat element `j` of a strided view. */
function storageIndex(x: Tensor, j: number): number {
  let idx = x.offset;
  for (let d = x.ndim - 1; d >= 0; d--) {
    const n = x.shape[d]!;
    idx += (j % n) * x.strides[d]!;
    j = Math.floor(j / n);
  }
  return idx;
}

/** A view with `x`'s layout (strides, offset) over a private copy of its storage. */
function privateCopy(x: Tensor): Tensor {
  return new Tensor(x.data.slice(), x.shape, x.strides, x.offset);
}

function checkArgs(op: string, f: unknown, inputs: readonly Tensor[], opts: GradcheckOptions): number[] {
  checkFn(op, f);
  for (const key of ["eps", "atol", "rtol"] as const) {
    const v = opts[key];
    if (v !== undefined && !(Number.isFinite(v) && v >= 0 && (key !== "eps" || v > 0)))
      throw new Error(
        `${op}: ${key} must be a finite ${key === "eps" ? "positive" : "non-negative"} number, got ${v}`,
      );
  }
  if (!Array.isArray(inputs)) throw new Error(`${op}: inputs must be an array of tensors`);
  const which: number[] = [];
  inputs.forEach((x, i) => {
    if (!(x instanceof Tensor)) throw new Error(`${op}: input ${i} must be a Tensor`);
    if (x.dtype === "int32") return;
    if (x.dtype !== "float64")
      throw new Error(`${op}: input ${i} is ${x.dtype}; finite differences need float64`);
    if (x.shape.some((d, k) => d > 1 && x.strides[k] === 0)) {
      throw new Error(
        `${op}: input ${i} ${shapeStr(x.shape)} is an expanded (stride 0) view; pass a materialised tensor`,
      );
    }
    which.push(i);
  });
  return which;
}

/**
 * Compares the gradients autograd computes for `f` with central finite differences in float64,
 * element by element of the full Jacobian. Returns true, or throws naming the input, the element
 * and both values.
 */
export function gradcheck(f: Fn, inputs: readonly Tensor[], opts: GradcheckOptions = {}): true {
  const { eps = 1e-6, atol = 1e-5, rtol = 1e-3 } = opts;
  const which = checkArgs("gradcheck", f, inputs, opts);
  const out0 = checkOutput(
    "gradcheck",
    noGrad(() => f(...inputs)),
  );
  const m = out0.size;
  // Analytical: one backward per output element.
  const xs = inputs.map((x, i) => {
    if (!which.includes(i)) return x;
    const t = privateCopy(x);
    t.requiresGrad = true;
    return t;
  });
  const out = enableGrad(() => f(...xs));
  const analytic = which.map(() => [] as Float64Array[]);
  for (let k = 0; k < m; k++) {
    const e = new Float64Array(m);
    e[k] = 1;
    const cot = new Tensor(out.dtype === "float64" ? e : new Float32Array(e), out.shape);
    const gs = gradients(
      [out],
      which.map((i) => xs[i]!),
      [cot],
      { retainGraph: true },
    );
    gs.forEach((g, w) => {
      analytic[w]!.push(g.toTypedArray() as Float64Array);
    });
  }
  // Numerical: perturb each element of each input in place of a private copy.
  which.forEach((i, w) => {
    const x = privateCopy(inputs[i]!);
    const args = inputs.slice();
    args[i] = x;
    for (let j = 0; j < x.size; j++) {
      const s = storageIndex(x, j);
      const orig = x.data[s]!;
      x.data[s] = orig + eps;
      const plus = noGrad(() => f(...args)).toTypedArray();
      x.data[s] = orig - eps;
      const minus = noGrad(() => f(...args)).toTypedArray();
      x.data[s] = orig;
      for (let k = 0; k < m; k++) {
        const num = (plus[k]! - minus[k]!) / (2 * eps);
        const ana = analytic[w]![k]![j]!;
        if (!(Math.abs(num - ana) <= atol + rtol * Math.abs(num))) {
          throw new Error(
            `gradcheck: input ${i} ${shapeStr(x.shape)}, element ${j}, output element ${k}: numerical ${num} vs analytical ${ana}`,
          );
        }
      }
    }
  });
  return true;
}

/**
 * Checks second derivatives: gradcheck of the vector-Jacobian product of `f` with a fixed random
 * cotangent, so the derivatives of every derivative rule are compared with finite differences.
 */
export function gradgradcheck(
  f: Fn,
  inputs: readonly Tensor[],
  opts: GradcheckOptions & { seed?: number } = {},
): true {
  checkArgs("gradgradcheck", f, inputs, opts);
  const shape = checkOutput(
    "gradgradcheck",
    noGrad(() => f(...inputs)),
  ).shape;
  const v = randn(shape, { dtype: "float64", generator: new Generator(opts.seed ?? 7) });
  const floats = inputs.map((x, i) => (x.dtype === "int32" ? -1 : i)).filter((i) => i >= 0);
  const g = (...xs: Tensor[]) => {
    const inner = (...fs: Tensor[]) => {
      const all = xs.slice();
      floats.forEach((i, k) => {
        all[i] = fs[k]!;
      });
      return f(...all);
    };
    const [, back] = vjp(inner, ...floats.map((i) => xs[i]!));
    return flatConcat(back(reshape(v, shape)));
  };
  return gradcheck(g, inputs, opts);
}
