// (b) A char-LSTM training step with the umbrella `nabla` alone (in Node: the native backend).
import {
  Adam,
  backendStatus,
  clipGradNorm,
  crossEntropy,
  Embedding,
  Generator,
  getBackend,
  Linear,
  LSTM,
  randint,
  reshape,
} from "nabla";
import { saveSafetensorsFile } from "nabla/node";

const g = new Generator(1);
const [vocab, T, B] = [65, 64, 32];
const embed = new Embedding(vocab, 64, { generator: g });
const lstm = new LSTM({ inputSize: 64, hiddenSize: 256, generator: g });
const head = new Linear(256, vocab, { generator: g });
const params = [...embed.parameters(), ...lstm.parameters(), ...head.parameters()];
const opt = new Adam(params, { lr: 3e-3 });
const tokens = randint(0, vocab, [T + 1, B], { generator: g });
const losses: number[] = [];
for (let step = 0; step < 5; step++) {
  const inputs = tokens.narrow(0, 0, T);
  const targets = tokens.narrow(0, 1, T);
  const { output } = lstm.forward(embed.forward(inputs));
  const logits = head.forward(output);
  const loss = crossEntropy(reshape(logits, [T * B, vocab]), reshape(targets, [T * B]));
  opt.zeroGrad();
  loss.backward();
  clipGradNorm(params, 5);
  opt.step();
  losses.push(loss.item());
}
if (!(losses[4]! < losses[0]!)) throw new Error(`the loss did not fall: ${losses}`);
saveSafetensorsFile("lstm.safetensors", lstm.stateDict());
console.log(
  JSON.stringify({
    check: "umbrella-lstm",
    ok: true,
    backend: getBackend().name,
    status: backendStatus(),
    losses,
  }),
);
