// (c) CommonJS: require() of the ESM packages (Node >= 20.19 loads ES modules from require).
import nabla = require("nabla");

const x = nabla.tensor([0.5, -1], { dtype: "float64", requiresGrad: true });
x.sin().sum().backward();
const got = Array.from(x.grad!.toTypedArray());
if (Math.abs(got[0]! - Math.cos(0.5)) > 1e-12) throw new Error(`gradient ${got}`);
console.log(JSON.stringify({ check: "require", ok: true, backend: nabla.getBackend().name }));
