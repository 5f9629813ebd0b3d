// What a Jacobian-vector product costs against a forward pass: true forward mode (jvp), the
// double-VJP trick it replaced, and one VJP, at n = 300. Run:
//   cd tooling/bench && node --conditions=source --import tsx src/jvp-cost.ts [--dtype=float64] [--samples=N]
// NOTE: @nablajs/autograd is imported from its sources by path: this package does not depend on
// it, and the workspace links are not changed for a script.
import {
  add,
  backendStatus,
  type DType,
  detach,
  enableGrad,
  Generator,
  gradients,
  matmul,
  randn,
  sum,
  type Tensor,
  tanh,
  zeros,
} from "@nablajs/tensor";
import { grad, hessian, jacrev, jvp, vjp } from "../../../packages/autograd/src/index.js";
import {
  checkFn,
  checkLike,
  checkOutput,
  outerGraph,
  traceArgs,
} from "../../../packages/autograd/src/trace.js";

const arg = (name: string) => process.argv.find((a) => a.startsWith(`--${name}=`))?.split("=")[1];
const dtype = (arg("dtype") ?? "float32") as DType;
const SAMPLES = Number(arg("samples") ?? 15);
const N = 300;
const g = new Generator(1);
const r = (shape: number[], s = 1) => randn(shape, { dtype, generator: g }).mul(s);

/**
 * The jvp this package had before forward mode, as it was (0412bf6~1): the VJP u -> u^T J is
 * linear in u, so the VJP of that VJP with respect to u is J t.
 */
function doubleVjp(f: (x: Tensor) => Tensor, primals: Tensor[], tangents: Tensor[]): [Tensor, Tensor] {
  checkFn("jvp", f);
  const { xs } = traceArgs("jvp", primals, [...primals.keys()]);
  tangents.forEach((t, i) => {
    checkLike("jvp", `tangent ${i}`, t, primals[i]!, `primal ${i}`);
  });
  const out = checkOutput(
    "jvp",
    enableGrad(() => f(xs[0]!)),
  );
  const nested = outerGraph([out], xs);
  const u = zeros(out.shape, { dtype: out.dtype, requiresGrad: true });
  const gx = gradients([out], xs, [u], { createGraph: true });
  const [jt] = gradients(gx, [u], tangents, { createGraph: nested });
  return [nested ? out : detach(out), jt!];
}

/**
 * Median milliseconds per call of each of `fns`, over SAMPLES rounds; each round times a batch
 * (~10 ms) of every function in turn, so all of them see the same machine load.
 */
function time(fns: (() => unknown)[]): number[] {
  const batches = fns.map((fn) => {
    for (let i = 0; i < 5; i++) fn();
    let batch = 1;
    for (let t0 = performance.now(); performance.now() - t0 < 10; batch++) fn();
    return batch;
  });
  const ms: number[][] = fns.map(() => []);
  for (let s = 0; s < SAMPLES; s++) {
    fns.forEach((fn, k) => {
      const t0 = performance.now();
      for (let i = 0; i < batches[k]!; i++) fn();
      ms[k]!.push((performance.now() - t0) / batches[k]!);
    });
  }
  return ms.map((m) => m.sort((a, b) => a - b)[SAMPLES >> 1]!);
}

const [W1, W2, b1, b2, A] = [r([N, N], 0.05), r([N, N], 0.05), r([N]), r([N]), r([N, N], 0.05)];
const cases: [string, (x: Tensor) => Tensor, number[]][] = [
  ["sum(tanh(A x)), x [300]", (x) => sum(tanh(matmul(A, x))), [N]],
  [
    "tanh(W2 tanh(W1 x + b1) + b2), x [300] (vector out)",
    (x) => tanh(add(matmul(W2, tanh(add(matmul(W1, x), b1))), b2)),
    [N],
  ],
  ["sum(tanh(A X)), X [300, 300]", (x) => sum(tanh(matmul(A, x))), [N, N]],
];

console.log(`jvp cost at n = ${N}, ${dtype}, backend ${backendStatus().name}, median of ${SAMPLES} samples`);
console.log(
  "| function | forward | jvp (forward mode) | old jvp (double VJP) | vjp | jvp / forward | old / forward |",
);
console.log("| --- | --- | --- | --- | --- | --- | --- |");
for (const [name, f, shape] of cases) {
  const [x, t] = [r(shape), r(shape)];
  const [fwd, fm, old, rev] = time([
    () => f(x),
    () => jvp(f, [x], [t]),
    () => doubleVjp(f, [x], [t]),
    () => {
      const [out, back] = vjp(f, x);
      return back(randn(out.shape, { dtype, generator: g }));
    },
  ]) as [number, number, number, number];
  const ms = (v: number) => `${v.toFixed(3)} ms`;
  console.log(
    `| ${name} | ${ms(fwd)} | ${ms(fm)} | ${ms(old)} | ${ms(rev)} | ${(fm / fwd).toFixed(1)}x | ${(old / fwd).toFixed(1)}x |`,
  );
}

// A Hessian, [300, 300]: forward over reverse (hessian now) against reverse over reverse (hessian
// before, jacrev of grad): fewer, larger samples.
const f = cases[0]![1];
const x = r([N]);
const few = (fn: () => unknown) => {
  fn();
  const ms: number[] = [];
  for (let s = 0; s < 5; s++) {
    const t0 = performance.now();
    fn();
    ms.push(performance.now() - t0);
  }
  return ms.sort((a, b) => a - b)[2]!;
};
const fwdOverRev = few(() => hessian(f)(x));
const revOverRev = few(() => jacrev(grad(f) as (v: Tensor) => Tensor)(x));
console.log(
  `\nhessian of ${cases[0]![0]}: forward over reverse ${fwdOverRev.toFixed(1)} ms, reverse over reverse ${revOverRev.toFixed(1)} ms (${(revOverRev / fwdOverRev).toFixed(1)}x)`,
);
