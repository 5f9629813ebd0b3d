import { astype, type DType, isFloat, noGrad, shapeStr, type Tensor } from "@nablajs/tensor";

/** A state dict: parameter names (PyTorch's dotted names) to tensors. */
export type StateDict = Record<string, Tensor>;

export interface LoadResult {
  missingKeys: string[];
  unexpectedKeys: string[];
}

/**
 * The base of every layer, as torch.nn.Module: registers parameters and submodules under names,
 * so that `parameters()`, `stateDict()` and the optimizers see them, and tracks train/eval mode.
 * Subclasses register in their constructor and implement `forward`.
 */
export abstract class Module {
  /** True in training mode (dropout active), false after `eval()`. */
  training = true;
  private readonly params = new Map<string, Tensor | null>();
  private readonly modules = new Map<string, Module>();

  /** Registers `t` as a trainable parameter `name` (it will require a gradient) and returns it. */
  protected registerParameter<T extends Tensor | null>(name: string, t: T): T {
    if (name.includes(".") || name === "") throw new Error(`registerParameter: invalid name '${name}'`);
    if (t !== null) {
      if (!isFloat(t.dtype))
        throw new Error(`registerParameter: '${name}' must be a float tensor, got ${t.dtype}`);
      t.requiresGrad = true;
    }
    this.params.set(name, t);
    return t;
  }

  /** Registers a submodule under `name` and returns it. */
  protected registerModule<M extends Module>(name: string, m: M): M {
    if (name.includes(".") || name === "") throw new Error(`registerModule: invalid name '${name}'`);
    this.modules.set(name, m);
    return m;
  }

  abstract forward(...args: any[]): any;

  /** Direct submodules. */
  children(): Module[] {
    return [...this.modules.values()];
  }

  /** Direct submodules with their names. */
  namedChildren(): [string, Module][] {
    return [...this.modules.entries()];
  }

  /** Every parameter with its dotted name (`layers.0.weight`), in registration order. */
  namedParameters(prefix = ""): [string, Tensor][] {
    const out: [string, Tensor][] = [];
    for (const [name, p] of this.params) if (p !== null) out.push([prefix + name, p]);
    for (const [name, m] of this.modules) out.push(...m.namedParameters(`${prefix}${name}.`));
    return out;
  }

  /** Every parameter, for an optimizer. */
  parameters(): Tensor[] {
    return this.namedParameters().map(([, p]) => p);
  }

  /** The number of trainable scalars. */
  numParameters(): number {
    return this.parameters().reduce((n, p) => n + p.size, 0);
  }

  /** Sets training mode (or eval mode with `false`) here and in every submodule. */
  train(mode = true): this {
    this.training = mode;
    for (const m of this.modules.values()) m.train(mode);
    return this;
  }

  /** Evaluation mode: dropout off. */
  eval(): this {
    return this.train(false);
  }

  /** Clears every parameter's gradient. */
  zeroGrad(): void {
    for (const p of this.parameters()) p.grad = null;
  }

  /** The parameters by name, detached from the graph (they share storage with the module). */
  stateDict(): StateDict {
    const out: StateDict = {};
    for (const [name, p] of this.namedParameters()) out[name] = p.detach();
    return out;
  }

  /**
   * Copies values from `dict` into the parameters (in place, so optimizers keep their
   * references). With `strict` (default), missing or unexpected keys are an error; shape or
   * dtype mismatches always are. Values of another float dtype are converted.
   */
  loadStateDict(dict: StateDict, opts: { strict?: boolean } = {}): LoadResult {
    const strict = opts.strict ?? true;
    const own = new Map(this.namedParameters());
    const missingKeys = [...own.keys()].filter((k) => !(k in dict));
    const unexpectedKeys = Object.keys(dict).filter((k) => !own.has(k));
    const mismatched: string[] = [];
    for (const [k, p] of own) {
      const v = dict[k];
      if (v !== undefined && v.shape.join() !== p.shape.join()) {
        mismatched.push(`${k}: expected ${shapeStr(p.shape)}, got ${shapeStr(v.shape)}`);
      }
    }
    const problems = [
      ...(strict && missingKeys.length ? [`missing keys: ${missingKeys.join(", ")}`] : []),
      ...(strict && unexpectedKeys.length ? [`unexpected keys: ${unexpectedKeys.join(", ")}`] : []),
      ...(mismatched.length ? [`shape mismatch: ${mismatched.join("; ")}`] : []),
    ];
    if (problems.length) throw new Error(`loadStateDict: ${problems.join("; ")}`);
    noGrad(() => {
      for (const [k, p] of own) {
        const v = dict[k];
        if (v === undefined) continue;
        if (!isFloat(v.dtype)) throw new Error(`loadStateDict: ${k} is ${v.dtype}, expected a float tensor`);
        p.data.set(astype(v, p.dtype).contiguous().toTypedArray());
      }
    });
    return { missingKeys, unexpectedKeys };
  }

  /** Converts every parameter to `dtype` (new tensors; build optimizers after this). */
  to(dtype: DType): this {
    if (!isFloat(dtype)) throw new Error(`to: modules hold float parameters, cannot convert to ${dtype}`);
    for (const [name, p] of this.params) {
      if (p === null || p.dtype === dtype) continue;
      const q = noGrad(() => astype(p, dtype).contiguous());
      const fresh = q === p ? q : q.detach();
      fresh.requiresGrad = true;
      this.params.set(name, fresh);
      const self = this as unknown as Record<string, unknown>;
      if (self[name] === p) self[name] = fresh;
    }
    for (const m of this.modules.values()) m.to(dtype);
    return this;
  }

  /** A one-line description of this module's own settings, for `toString()`. */
  protected extraRepr(): string {
    return "";
  }

  /** A readable tree of the module with parameter counts. */
  toString(): string {
    const name = this.constructor.name;
    const children = this.namedChildren();
    const own = `${name}(${this.extraRepr()})`;
    const count = this.numParameters();
    if (children.length === 0) return `${own}  # ${count.toLocaleString("en-US")} parameters`;
    const lines = children.map(([n, m]) => `  (${n}): ${m.toString().split("\n").join("\n  ")}`);
    return `${name}(\n${lines.join("\n")}\n)  # ${count.toLocaleString("en-US")} parameters`;
  }
}
