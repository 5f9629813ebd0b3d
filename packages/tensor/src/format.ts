import { toTypedArray } from "./convert.js";
import type { Tensor } from "./tensor.js";

const THRESHOLD = 1000; // elements above which a tensor prints summarised, as NumPy
const EDGE = 3;

function formatNumbers(values: ArrayLike<number>, isInt: boolean): (v: number) => string {
  if (isInt) return (v) => String(v);
  let maxAbs = 0;
  let minAbs = Infinity; // smallest non-zero magnitude
  let allInt = true;
  for (let i = 0; i < values.length; i++) {
    const v = values[i]!;
    if (Number.isFinite(v)) {
      maxAbs = Math.max(maxAbs, Math.abs(v));
      if (v !== 0) minAbs = Math.min(minAbs, Math.abs(v));
      if (!Number.isInteger(v)) allInt = false;
    }
  }
  // As PyTorch: 4 decimals would print 1e-5 as 0.0000, so small or widely spread values go scientific.
  const sci = maxAbs >= 1e8 || (!allInt && (minAbs < 1e-4 || maxAbs / minAbs > 1000));
  return (v) => {
    if (!Number.isFinite(v)) return Number.isNaN(v) ? "nan" : v > 0 ? "inf" : "-inf";
    if (sci) return v.toExponential(4).replace(/e([+-])(\d)$/, (_, sign, d) => `e${sign}0${d}`); // e+0 -> e+00, as NumPy
    return allInt ? `${v}.` : v.toFixed(4);
  };
}

/** Prints like NumPy: nested brackets, aligned columns, `...` in place of the middle of large axes. */
export function formatTensor(x: Tensor): string {
  const flat = toTypedArray(x);
  const fmt = formatNumbers(flat, x.dtype === "int32");
  const summarise = x.size > THRESHOLD;
  const strides: number[] = [];
  let s = 1;
  for (let d = x.ndim - 1; d >= 0; d--) {
    strides[d] = s;
    s *= x.shape[d]!;
  }
  const cells: string[] = [];
  for (let i = 0; i < flat.length; i++) cells.push(fmt(flat[i]!));
  const width = cells.reduce((w, c) => Math.max(w, c.length), 0);
  const pad = (c: string) => c.padStart(width);
  const indices = (n: number) =>
    summarise && n > 2 * EDGE
      ? [...Array(EDGE).keys(), -1, ...Array.from({ length: EDGE }, (_, i) => n - EDGE + i)]
      : [...Array(n).keys()];
  const render = (depth: number, start: number, indent: string): string => {
    if (depth === x.ndim) return pad(cells[start]!);
    const parts = indices(x.shape[depth]!).map((i) =>
      i < 0 ? "..." : render(depth + 1, start + i * strides[depth]!, `${indent} `),
    );
    const sep = depth === x.ndim - 1 ? ", " : `,${"\n".repeat(x.ndim - depth - 1)}${indent} `;
    return `[${parts.join(sep)}]`;
  };
  const prefix = "tensor(";
  const body = render(0, 0, " ".repeat(prefix.length)); // rows line up under the first "["
  const suffix = x.dtype === "float32" ? "" : `, dtype=${x.dtype}`;
  const grad = x.requiresGrad ? (x.gradFn ? `, gradFn=${x.gradFn.prim.name}` : ", requiresGrad=true") : "";
  return `${prefix}${body}${suffix}${grad})`;
}
