// With @nablajs/nn and @nablajs/losses alone (no autograd, no optim): a model trains by hand SGD.
import { mse } from "@nablajs/losses";
import { Linear } from "@nablajs/nn";
import { Generator, noGrad, randn } from "@nablajs/tensor";

const g = new Generator(0);
const x = randn([64, 3], { generator: g });
const w = randn([3, 1], { generator: g });
const y = x.matmul(w);
const model = new Linear(3, 1, { generator: g });
const losses: number[] = [];
for (let step = 0; step < 50; step++) {
  model.zeroGrad();
  const loss = mse(model.forward(x), y);
  loss.backward();
  noGrad(() => {
    for (const p of model.parameters()) p.data.set(p.sub(p.grad!.mul(0.1)).toTypedArray());
  });
  losses.push(loss.item());
}
if (!(losses[49]! < 0.01 * losses[0]!))
  throw new Error(`the loss did not fall: ${losses[0]} -> ${losses[49]}`);
console.log(JSON.stringify({ check: "nn-losses-alone", ok: true, first: losses[0], last: losses[49] }));
