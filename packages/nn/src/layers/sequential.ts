import { Module } from "../module.js";

/**
 * Modules applied in order, each to the previous one's output: `forward(x)` is
 * `m[n-1].forward(... m[0].forward(x))`. Children are named "0", "1", ... so state-dict keys
 * read `0.weight`, `2.bias`, as in PyTorch.
 */
export class Sequential extends Module {
  private readonly layers: Module[];

  constructor(...modules: Module[]) {
    super();
    modules.forEach((m, i) => {
      if (!(m instanceof Module)) throw new Error(`Sequential: argument ${i} is not a Module`);
      this.registerModule(String(i), m);
    });
    this.layers = modules;
  }

  /** The number of modules. */
  get length(): number {
    return this.layers.length;
  }

  /** The module at `index` (negative counts from the end). */
  at(index: number): Module {
    const m = Number.isInteger(index) ? this.layers.at(index) : undefined;
    if (m === undefined)
      throw new Error(`Sequential.at: index ${index} is out of range for ${this.length} modules`);
    return m;
  }

  /** Runs the modules in order; an empty Sequential returns its input. */
  forward(x: any): any {
    let y = x;
    for (const m of this.layers) y = m.forward(y);
    return y;
  }
}
