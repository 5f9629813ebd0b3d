// The web demo's page: controls, live stats, the loss chart and samples; training runs in worker.ts.
import { drawChart } from "./chart.js";
import type { FromWorker, ToWorker } from "./protocol.js";

const $ = <T extends HTMLElement>(id: string) => document.getElementById(id) as T;
const value = (id: string) => Number(($(id) as HTMLInputElement).value);

let worker: Worker | null = null;
let paused = false;
let steps = 1;
const train: [number, number][] = [];
const val: [number, number][] = [];
const recent: number[] = [];

const send = (m: ToWorker) => worker?.postMessage(m);
const redraw = () =>
  drawChart(
    $("chart"),
    [
      { name: "train loss (20-step mean)", color: "#2456d6", points: train },
      { name: "validation loss", color: "#d62728", points: val },
    ],
    steps,
  );

function onMessage(m: FromWorker): void {
  if (m.type === "ready") {
    $("model").textContent = `${(m.parameters / 1000).toFixed(0)}k · ${m.backend}`;
    ($("generate") as HTMLButtonElement).disabled = false;
  } else if (m.type === "step") {
    steps = m.steps;
    // The mean of the last 20 steps: steady enough to read, without an average's lag from step 1.
    recent.push(m.loss);
    if (recent.length > 20) recent.shift();
    const smooth = recent.reduce((a, b) => a + b, 0) / recent.length;
    train.push([m.step, smooth]);
    $("step").textContent = `${m.step} / ${m.steps}`;
    $("loss").textContent = smooth.toFixed(3);
    $("rate").textContent = Math.round(m.charsPerSec).toLocaleString("en-US");
    ($("progress") as HTMLProgressElement).value = m.step / m.steps;
    if (m.step % 5 === 0) redraw();
  } else if (m.type === "eval") {
    val.push([m.step, m.valLoss]);
    $("val").textContent = m.valLoss.toFixed(3);
    $("sample").textContent = `step ${m.step}:\n${m.sample}`;
    redraw();
  } else if (m.type === "sample") {
    $("sample").textContent = m.text;
  } else if (m.type === "done") {
    ($("pause") as HTMLButtonElement).disabled = true;
    ($("train") as HTMLButtonElement).disabled = false;
    document.body.dataset.done = String(m.step);
    redraw();
  } else if (m.type === "error") {
    $("sample").textContent = `error: ${m.message}`;
  }
}

$("train").addEventListener("click", () => {
  worker?.terminate();
  train.length = 0;
  val.length = 0;
  recent.length = 0;
  worker = new Worker(new URL("./worker.js", import.meta.url), { type: "module" });
  worker.onmessage = (e: MessageEvent<FromWorker>) => onMessage(e.data);
  paused = false;
  ($("train") as HTMLButtonElement).disabled = true;
  ($("pause") as HTMLButtonElement).disabled = false;
  ($("pause") as HTMLButtonElement).textContent = "Pause";
  const config = {
    hiddenSize: value("hidden"),
    steps: value("steps"),
    batchSize: value("batch"),
    seqLen: value("seq"),
    lr: value("lr"),
  };
  send({ type: "start", config, evalEvery: Math.max(10, Math.round(config.steps / 12)) });
});

$("pause").addEventListener("click", () => {
  paused = !paused;
  send({ type: paused ? "pause" : "resume" });
  ($("pause") as HTMLButtonElement).textContent = paused ? "Resume" : "Pause";
});

$("generate").addEventListener("click", () =>
  send({
    type: "sample",
    prompt: ($("prompt") as HTMLInputElement).value,
    temperature: value("temperature"),
    length: 400,
  }),
);
