// (d) A training script bundled for the browser (esbuild): the default entry, the wasm backend.
import {
  Adam,
  backendStatus,
  crossEntropy,
  Embedding,
  Generator,
  getBackend,
  Linear,
  LSTM,
  randint,
  reshape,
} from "nabla";

const g = new Generator(2);
const [vocab, T, B] = [20, 16, 4];
const embed = new Embedding(vocab, 8, { generator: g });
const lstm = new LSTM({ inputSize: 8, hiddenSize: 16, generator: g });
const head = new Linear(16, vocab, { generator: g });
const params = [...embed.parameters(), ...lstm.parameters(), ...head.parameters()];
const opt = new Adam(params, { lr: 1e-2 });
const tokens = randint(0, vocab, [T + 1, B], { generator: g });
const losses: number[] = [];
for (let step = 0; step < 20; step++) {
  const { output } = lstm.forward(embed.forward(tokens.narrow(0, 0, T)));
  const loss = crossEntropy(
    reshape(head.forward(output), [T * B, vocab]),
    reshape(tokens.narrow(0, 1, T), [T * B]),
  );
  opt.zeroGrad();
  loss.backward();
  opt.step();
  losses.push(loss.item());
}
document.body.dataset.result = JSON.stringify({
  backend: getBackend().name,
  unavailable: backendStatus().unavailable,
  first: losses[0],
  last: losses[19],
});
