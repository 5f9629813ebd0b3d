import { crossEntropy } from "@nablajs/losses";
import { Embedding, Linear } from "@nablajs/nn";
import { Adam, clipGradNorm } from "@nablajs/optim";
import { LSTM } from "@nablajs/rnn";
import { Generator, getBackend, randint, reshape } from "@nablajs/tensor";

const g = new Generator(1);
const [V, T, B, E, H] = [65, 64, 32, 64, 256];
const embed = new Embedding(V, E, { generator: g });
const lstm = new LSTM({ inputSize: E, hiddenSize: H, generator: g });
const head = new Linear(H, V, { generator: g });
const params = [...embed.parameters(), ...lstm.parameters(), ...head.parameters()];
const opt = new Adam(params, { lr: 3e-3 });
const tokens = randint(0, V, [T + 1, B], { generator: g });
const step = () => {
  const { output } = lstm.forward(embed.forward(tokens.narrow(0, 0, T)));
  const loss = crossEntropy(
    reshape(head.forward(output), [T * B, V]),
    reshape(tokens.narrow(0, 1, T), [T * B]),
  );
  opt.zeroGrad();
  loss.backward();
  clipGradNorm(params, 5);
  opt.step();
  return loss.item();
};
for (let i = 0; i < 5; i++) step();
const ts: number[] = [];
for (let i = 0; i < 30; i++) {
  const t0 = performance.now();
  step();
  ts.push(performance.now() - t0);
}
ts.sort((a, b) => a - b);
const cpu0 = process.cpuUsage();
const t0 = performance.now();
for (let i = 0; i < 10; i++) step();
const wall = performance.now() - t0;
const cpu = process.cpuUsage(cpu0);
console.log(
  `${getBackend().name}: median ${ts[15]!.toFixed(1)} ms/step (best ${ts[0]!.toFixed(1)}), ${(((T * B) / ts[15]!) * 1e3).toFixed(0)} chars/s; cpu/wall ${((cpu.user + cpu.system) / 1e3 / wall).toFixed(2)}`,
);
