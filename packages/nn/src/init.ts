import { defaultGenerator, type Generator, noGrad, type Tensor } from "@nablajs/tensor";

/** Options shared by the initialisers. */
export interface InitOptions {
  generator?: Generator;
}

function fill(t: Tensor, draw: (g: Generator) => number, opts: InitOptions): Tensor {
  if (!t.isContiguous || t.offset !== 0) throw new Error("init: the tensor must be contiguous");
  const g = opts.generator ?? defaultGenerator;
  noGrad(() => {
    for (let i = 0; i < t.size; i++) t.data[i] = draw(g);
  });
  return t;
}

/** Fills `t` in place with samples from U(low, high). */
export function uniform(t: Tensor, low = 0, high = 1, opts: InitOptions = {}): Tensor {
  if (!(high >= low)) throw new Error(`uniform: need low <= high, got ${low}, ${high}`);
  return fill(t, (g) => low + (high - low) * g.random(), opts);
}

/** Fills `t` in place with samples from N(mean, std^2). */
export function normal(t: Tensor, mean = 0, std = 1, opts: InitOptions = {}): Tensor {
  if (!(std >= 0)) throw new Error(`normal: std must be >= 0, got ${std}`);
  return fill(t, (g) => mean + std * g.normal(), opts);
}
