import { assertTensor } from "./ops/util.js";
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

/**
 * Prints like NumPy: nested brackets, aligned columns, `...` in place of the middle of large axes.
 * A summary reads and formats only the elements it shows (and, as NumPy, takes the number format
 * from them), so printing a huge tensor costs as little as printing a small one.
 */
export function formatTensor(x: Tensor): string {
  assertTensor("formatTensor", x);
  const summarise = x.size > THRESHOLD;
  const indices = (n: number) =>
    summarise && n > 2 * EDGE
      ? [...Array(EDGE).keys(), -1, ...Array.from({ length: EDGE }, (_, i) => n - EDGE + i)]
      : [...Array(n).keys()];
  // The shown elements in print order, read straight from storage through the strides.
  const shown: number[] = [];
  const collect = (depth: number, pos: number): void => {
    if (depth === x.ndim) shown.push(x.data[pos]!);
    else
      for (const i of indices(x.shape[depth]!)) if (i >= 0) collect(depth + 1, pos + i * x.strides[depth]!);
  };
  collect(0, x.offset);
  const cells = shown.map(formatNumbers(shown, x.dtype === "int32"));
  const width = cells.reduce((w, c) => Math.max(w, c.length), 0);
  let next = 0;
  const render = (depth: number, indent: string): string => {
    if (depth === x.ndim) return cells[next++]!.padStart(width);
    const parts = indices(x.shape[depth]!).map((i) => (i < 0 ? "..." : render(depth + 1, `${indent} `)));
    const sep = depth === x.ndim - 1 ? ", " : `,${"\n".repeat(x.ndim - depth - 1)}${indent} `;
    return `[${parts.join(sep)}]`;
  };
  const prefix = "tensor(";
  const body = render(0, " ".repeat(prefix.length)); // rows line up under the first "["
  const suffix = x.dtype === "float32" ? "" : `, dtype=${x.dtype}`;
  const grad = x.requiresGrad ? (x.gradFn ? `, gradFn=${x.gradFn.prim.name}` : ", requiresGrad=true") : "";
  return `${prefix}${body}${suffix}${grad})`;
}
