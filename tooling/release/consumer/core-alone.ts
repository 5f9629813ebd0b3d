// (a) The README's first example with @nablajs/tensor alone: the core differentiates by itself.
import { tensor } from "@nablajs/tensor";

const x = tensor([1, 2, 3], { requiresGrad: true });
const y = x.tanh().square().sum();
y.backward();
console.log(x.grad?.toString()); // 2 tanh(x) (1 - tanh(x)^2)

const want = [1, 2, 3].map((v) => 2 * Math.tanh(v) * (1 - Math.tanh(v) ** 2));
const got = Array.from(x.grad!.toTypedArray());
if (got.some((g, i) => Math.abs(g - want[i]!) > 1e-6)) throw new Error(`gradient ${got} != ${want}`);
console.log(JSON.stringify({ check: "core-alone", ok: true }));
