import { pushforward, reshape, stack, type Tensor, zeros, zerosLike } from "@nablajs/tensor";
import type { ArgnumsOptions } from "./functional.js";
import { argList, checkArg, checkFn, checkLike, checkOutput } from "./trace.js";

/**
 * Forward-mode product: returns `[f(...primals), J t]` for tangents `t` (one per primal, same
 * shapes and dtypes). True forward mode: one pass through `f` with each op's tangent rule run
 * beside it (about the cost of two forward passes), no graph kept. Nests with itself (jvp of jvp)
 * and with reverse mode (jvp of grad, grad of jvp).
 *
 * @example
 * // f(x) = sum(sin(x)): J t = cos(x) . t
 * const [y, dy] = jvp((x: Tensor) => sum(sin(x)), [x], [t]);
 */
export function jvp<A extends Tensor[]>(
  f: (...args: A) => Tensor,
  primals: A,
  tangents: readonly Tensor[],
): [Tensor, Tensor] {
  checkFn("jvp", f);
  if (!Array.isArray(primals) || !Array.isArray(tangents))
    throw new Error("jvp: primals and tangents must be arrays of tensors");
  if (tangents.length !== primals.length)
    throw new Error(`jvp: ${primals.length} primals but ${tangents.length} tangents`);
  primals.forEach((x, i) => {
    checkArg("jvp", x, i);
  });
  tangents.forEach((t, i) => {
    checkLike("jvp", `tangent ${i}`, t, primals[i]!, `primal ${i}`);
  });
  const run = (...xs: Tensor[]) => [checkOutput("jvp", f(...(xs as A)))];
  const { outputs, tangents: ts } = pushforward(run, primals, [tangents]);
  return [outputs[0]!, ts[0]![0] ?? zerosLike(outputs[0]!)];
}

/** Columns that one forward pass of `jacfwd` carries (memory grows with it). */
const COLUMNS_PER_PASS = 64;

/** The basis tangent e_j of `x`'s shape: 1 at row-major position j. */
function basis(x: Tensor, j: number): Tensor {
  const e = zeros(x.shape, { dtype: x.dtype });
  e.data[j] = 1;
  return e;
}

/**
 * d f / d args[argnums] in forward mode, one Jacobian [...out.shape, ...x.shape] per argument:
 * the columns J e_j, up to COLUMNS_PER_PASS of them per pass through `f` (each its own
 * forward-mode level), so the cost is about one forward pass per column.
 */
export function forwardJacobian<A extends Tensor[]>(
  op: string,
  f: (...args: A) => Tensor,
  args: A,
  argnums: unknown,
): Tensor[] {
  const which = argList(op, argnums, args.length);
  which.forEach((a) => {
    checkArg(op, args[a], a);
  });
  const wrt = which.map((a) => args[a]!);
  const run = (...ws: Tensor[]) => {
    const all = args.slice() as A;
    which.forEach((a, k) => {
      all[a] = ws[k]!;
    });
    return [checkOutput(op, f(...all))];
  };
  const columns = wrt.flatMap((x, k) => Array.from({ length: x.size }, (_, j) => [k, j] as const));
  const cols: Tensor[][] = wrt.map(() => []);
  let out: Tensor | undefined;
  for (let start = 0; start === 0 || start < columns.length; start += COLUMNS_PER_PASS) {
    const chunk = columns.slice(start, start + COLUMNS_PER_PASS);
    const sets = chunk.map(([k, j]) => wrt.map((x, i) => (i === k ? basis(x, j) : null)));
    const r = pushforward(run, wrt, sets);
    const y = r.outputs[0]!;
    out = y;
    chunk.forEach(([k], c) => {
      cols[k]!.push(r.tangents[c]![0] ?? zerosLike(y));
    });
  }
  const y = out!;
  return wrt.map((x, k) =>
    x.size === 0 || y.size === 0
      ? zeros([...y.shape, ...x.shape], { dtype: y.dtype })
      : reshape(stack(cols[k]!, y.ndim), [...y.shape, ...x.shape]),
  );
}

/**
 * `jacfwd(f)` returns a function giving d f / d x in forward mode, shape [...out.shape,
 * ...x.shape] (an array of them for an array `argnums`): one Jacobian-vector product per input
 * element, so it suits functions with fewer inputs than outputs (JAX's jacfwd).
 */
export function jacfwd<A extends Tensor[]>(f: (...args: A) => Tensor, opts: ArgnumsOptions = {}) {
  checkFn("jacfwd", f);
  const argnums = opts.argnums ?? 0;
  return (...args: A): Tensor | Tensor[] => {
    const jacs = forwardJacobian("jacfwd", f, args, argnums);
    return typeof argnums === "number" ? jacs[0]! : jacs;
  };
}
