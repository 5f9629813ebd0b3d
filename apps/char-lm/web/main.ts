// The web demo's page: the text, the settings, live loss and gradient-health charts, samples,
// saving and loading models. Training runs in worker.ts.
import { corpusTooSmall, defaultTrainConfig } from "../src/config.js";
import type { Cell } from "../src/model.js";
import { COLORS } from "../src/plot.js";
import { drawChart, type Line } from "./chart.js";
import { clearErrors, readNumbers, showError } from "./form.js";
import type { FromWorker, ModelInfo, ToWorker } from "./protocol.js";

const $ = <T extends HTMLElement = HTMLInputElement>(id: string) => document.getElementById(id) as T;
const button = (id: string) => $<HTMLButtonElement>(id);

let worker: Worker | null = null;
let steps = 1;
let clip = defaultTrainConfig.clip;
let seed = 0;
const train: [number, number][] = [];
const val: [number, number][] = [];
const gnorm: [number, number][] = [];
const perParam = new Map<string, [number, number][]>();
const recent: number[] = [];
let clippedSteps = 0;

function ensureWorker(): Worker {
  if (worker) return worker;
  worker = new Worker(new URL("./worker.js", import.meta.url), { type: "module" });
  worker.onmessage = (e: MessageEvent<FromWorker>) => onMessage(e.data);
  return worker;
}
const send = (m: ToWorker, transfer: Transferable[] = []) => ensureWorker().postMessage(m, transfer);
const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / Math.max(1, xs.length);

function redraw(): void {
  drawChart(
    $<HTMLCanvasElement>("chart"),
    [
      { name: "train (20-step mean)", color: "#2456d6", points: train },
      { name: "validation", color: "#d62728", points: val },
    ],
    { xMax: steps },
  );
  const lines: Line[] = [
    { name: "global norm", color: "#1d2433", points: gnorm, width: 2 },
    {
      name: `clip threshold (${clip})`,
      color: "#d62728",
      points: [
        [0, clip],
        [steps, clip],
      ],
      dashed: true,
    },
    ...[...perParam].map(([name, points], k) => ({
      name,
      color: COLORS[(k + 2) % COLORS.length]!,
      points,
      width: 1,
    })),
  ];
  drawChart($<HTMLCanvasElement>("health"), lines, { xMax: steps, logY: true });
}

function showModel(m: ModelInfo): void {
  $("model").textContent = `${m.cell.toUpperCase()} ${(m.parameters / 1000).toFixed(0)}k · ${m.backend}`;
  button("generate").disabled = false;
}

function setTraining(on: boolean): void {
  button("train").disabled = on;
  button("stop").disabled = !on;
  document.body.dataset.state = on ? "training" : "idle";
}

function onMessage(m: FromWorker): void {
  if (m.type === "ready") {
    showModel(m);
    button("save").disabled = false;
  } else if (m.type === "step") {
    steps = m.steps;
    recent.push(m.loss);
    if (recent.length > 20) recent.shift();
    train.push([m.step, mean(recent)]);
    gnorm.push([m.step, m.gradNorm]);
    for (const [name, n] of Object.entries(m.gradNorms)) {
      if (!perParam.has(name)) perParam.set(name, []);
      perParam.get(name)!.push([m.step, n]);
    }
    if (m.clipped) clippedSteps++;
    $("step").textContent = `${m.step} / ${m.steps}`;
    $("loss").textContent = mean(recent).toFixed(3);
    $("rate").textContent = Math.round(m.charsPerSec).toLocaleString("en-US");
    $("gnorm").textContent = mean(gnorm.slice(-20).map(([, g]) => g)).toFixed(2);
    $("clipped").textContent = `${Math.round((100 * clippedSteps) / m.step)}%`;
    $<HTMLProgressElement>("progress").value = m.step / m.steps;
    if (m.step % 5 === 0) redraw();
  } else if (m.type === "eval") {
    val.push([m.step, m.valLoss]);
    $("val").textContent = m.valLoss.toFixed(3);
    $("sample").textContent = `step ${m.step}:\n${m.sample}`;
    redraw();
  } else if (m.type === "sample") {
    $("sample").textContent = m.text;
  } else if (m.type === "done") {
    setTraining(false);
    document.body.dataset.done = String(m.step);
    if (m.stopped) steps = Math.max(1, m.step); // the charts span the steps taken
    $("model-info").textContent = `${m.stopped ? "Stopped" : "Trained"} at step ${m.step}.`;
    redraw();
  } else if (m.type === "saved") {
    const a = document.createElement("a");
    a.href = URL.createObjectURL(new Blob([m.bytes], { type: "application/octet-stream" }));
    a.download = "char-lm.safetensors";
    a.click();
    setTimeout(() => URL.revokeObjectURL(a.href), 1000);
  } else if (m.type === "loaded") {
    showModel(m);
    $("model-info").textContent =
      `Loaded ${m.name}: ${m.cell.toUpperCase()}, ${m.parameters.toLocaleString("en-US")} parameters, vocabulary ${m.vocab}, step ${m.step}.`;
  } else if (m.type === "error") {
    setTraining(false);
    document.body.dataset.state = "error";
    showError(m.field ?? "general", m.message);
  }
}

button("train").addEventListener("click", () => {
  clearErrors();
  const n = readNumbers(["hidden", "layers", "heads", "steps", "batch", "seq", "lr"] as const);
  const text = $<HTMLTextAreaElement>("text").value;
  if (n === null) return;
  const cell = $<HTMLSelectElement>("cell").value as Cell;
  if (cell === "transformer" && n.hidden % n.heads !== 0)
    return showError("heads", `the hidden size (${n.hidden}) must be divisible by the heads`);
  const config = {
    cell,
    hiddenSize: n.hidden,
    numLayers: n.layers,
    heads: n.heads,
    steps: n.steps,
    batchSize: n.batch,
    seqLen: n.seq,
    lr: n.lr,
    evalEvery: Math.max(10, Math.round(n.steps / 12)),
  };
  if (text !== "") {
    const small = corpusTooSmall(
      [...text].length,
      { ...defaultTrainConfig, ...config },
      { batch: "batch", seq: "sequence" },
    );
    if (small !== null) return showError("text", small);
  }
  worker?.terminate();
  worker = null;
  for (const a of [train, val, gnorm, recent]) a.length = 0;
  perParam.clear();
  clippedSteps = 0;
  steps = n.steps;
  clip = defaultTrainConfig.clip;
  setTraining(true);
  send({ type: "start", config, text: text === "" ? undefined : text });
});

button("stop").addEventListener("click", () => send({ type: "stop" }));

// A Transformer's blocks do less each than a recurrent layer: choosing it proposes 2 layers (its
// default), and back again; the heads apply to it alone.
$<HTMLSelectElement>("cell").addEventListener("change", () => {
  const gpt = $<HTMLSelectElement>("cell").value === "transformer";
  $("heads").disabled = !gpt;
  if ($("layers").value === (gpt ? "1" : "2")) $("layers").value = gpt ? "2" : "1";
});

button("generate").addEventListener("click", () => {
  clearErrors();
  const n = readNumbers(["temperature"] as const);
  if (n === null) return;
  seed++; // a new sample on every click
  send({ type: "sample", prompt: $("prompt").value, temperature: n.temperature, length: 400, seed });
});

button("save").addEventListener("click", () => send({ type: "save" }));

$("load").addEventListener("change", async () => {
  clearErrors();
  const file = $("load").files?.[0];
  if (!file) return;
  const bytes = await file.arrayBuffer();
  send({ type: "load", bytes, name: file.name }, [bytes]);
  $("load").value = "";
});

/** Puts a text file's contents in the text box. */
async function useFile(file: File): Promise<void> {
  $<HTMLTextAreaElement>("text").value = await file.text();
  describeText();
}

function describeText(): void {
  const text = $<HTMLTextAreaElement>("text").value;
  const chars = [...text];
  $("text-info").textContent =
    text === ""
      ? "Training on Shakespeare."
      : `Training on your text: ${chars.length.toLocaleString("en-US")} characters, ${new Set(chars).size} distinct.`;
}

$("text").addEventListener("input", describeText);
$("file").addEventListener("change", () => {
  const file = $("file").files?.[0];
  if (file) useFile(file);
});
for (const type of ["dragover", "drop"] as const) {
  document.addEventListener(type, (e) => {
    e.preventDefault();
    const file = e.dataTransfer?.files[0];
    if (type === "drop" && file) useFile(file);
  });
}
