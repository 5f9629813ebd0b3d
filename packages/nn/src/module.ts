import { astype, type DType, isFloat, noGrad, Tensor } from "@nablajs/tensor";
import { checkStateDict, type LoadResult, type StateDict } from "./state-dict.js";

export type { LoadResult, StateDict } from "./state-dict.js";

/** Options of `Module.loadStateDict`. */
export interface LoadOptions {
  /** Missing and unexpected keys are an error (default true); shape mismatches always are. */
  strict?: boolean;
}

function checkName(op: string, name: string): void {
  if (typeof name !== "string" || name === "" || name.includes(".")) {
    throw new Error(`${op}: invalid name ${JSON.stringify(name)} (non-empty, without '.')`);
  }
}

/**
 * The base of every layer, as torch.nn.Module: registers parameters and submodules under names,
 * so that `parameters()`, `stateDict()` and the optimizers see them, and tracks train/eval mode.
 * Subclasses register in their constructor and implement `forward`.
 *
 * @example
 * class Affine extends Module {
 *   weight = this.registerParameter("weight", ones([3]));
 *   forward(x: Tensor) { return x.mul(this.weight); }
 * }
 */
export abstract class Module {
  /** True in training mode (dropout active), false after `eval()`. */
  training = true;
  private readonly params = new Map<string, Tensor | null>();
  private readonly submodules = new Map<string, Module>();

  /**
   * Registers `t` as a trainable parameter `name` (it will require a gradient) and returns it;
   * `null` registers an absent optional parameter (a layer built without bias). The tensor must
   * be a float leaf stored contiguously, since loading and optimizers write into it in place.
   */
  protected registerParameter<T extends Tensor | null>(name: string, t: T): T {
    checkName("registerParameter", name);
    if (this.submodules.has(name)) throw new Error(`registerParameter: '${name}' is already a submodule`);
    if (t !== null) {
      if (!(t instanceof Tensor)) throw new Error(`registerParameter: '${name}' must be a Tensor or null`);
      if (!isFloat(t.dtype))
        throw new Error(`registerParameter: '${name}' must be a float tensor, got ${t.dtype}`);
      if (!t.isLeaf) throw new Error(`registerParameter: '${name}' must be a leaf tensor; use detach()`);
      if (!t.isContiguous) throw new Error(`registerParameter: '${name}' must be contiguous`);
      t.requiresGrad = true;
    }
    this.params.set(name, t);
    return t;
  }

  /** Registers a submodule under `name` and returns it. */
  protected registerModule<M extends Module>(name: string, m: M): M {
    checkName("registerModule", name);
    if (!(m instanceof Module)) throw new Error(`registerModule: '${name}' must be a Module`);
    if (this.params.has(name)) throw new Error(`registerModule: '${name}' is already a parameter`);
    this.submodules.set(name, m);
    return m;
  }

  /** The computation of the layer; call it directly: `layer.forward(x)`. */
  abstract forward(...args: any[]): any;

  /** Direct submodules, in registration order. */
  children(): Module[] {
    return [...this.submodules.values()];
  }

  /** Direct submodules with their names. */
  namedChildren(): [string, Module][] {
    return [...this.submodules.entries()];
  }

  /** This module and every submodule below it, with dotted names (`""` for this one). */
  namedModules(prefix = ""): [string, Module][] {
    const out: [string, Module][] = [[prefix, this]];
    for (const [name, m] of this.submodules) out.push(...m.namedModules(prefix ? `${prefix}.${name}` : name));
    return out;
  }

  /** This module and every submodule below it. */
  modules(): Module[] {
    return this.namedModules().map(([, m]) => m);
  }

  /** Every parameter under its dotted name (`layers.0.weight`) including repeats of a shared one. */
  private allParameters(prefix: string): [string, Tensor][] {
    const out: [string, Tensor][] = [];
    for (const [name, p] of this.params) if (p !== null) out.push([prefix + name, p]);
    for (const [name, m] of this.submodules) out.push(...m.allParameters(`${prefix}${name}.`));
    return out;
  }

  /**
   * Every parameter with its dotted name (`layers.0.weight`), as `stateDict()` names it, in
   * registration order. A parameter shared by two modules (tied weights) is listed once.
   */
  namedParameters(prefix = ""): [string, Tensor][] {
    const seen = new Set<Tensor>();
    // As torch's named_parameters(prefix) and namedModules(prefix): the prefix joins with a dot.
    return this.allParameters(prefix ? `${prefix}.` : "").filter(([, p]) => !seen.has(p) && seen.add(p));
  }

  /** Every parameter once, for an optimizer. */
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
    for (const m of this.submodules.values()) m.train(mode);
    return this;
  }

  /** Evaluation mode: dropout off. */
  eval(): this {
    return this.train(false);
  }

  /** Clears every parameter's gradient (sets `.grad` to null). */
  zeroGrad(): void {
    for (const p of this.parameters()) p.grad = null;
  }

  /**
   * The parameters by dotted name, detached from the graph. They share storage with the module
   * (as in PyTorch): copy them if the module will keep training and you need a snapshot.
   */
  stateDict(): StateDict {
    const out: StateDict = {};
    for (const [name, p] of this.allParameters("")) out[name] = p.detach();
    return out;
  }

  /**
   * Copies values from `dict` into the parameters in place, so optimizers keep their references.
   * Checks everything before writing anything: with `strict` (default) missing or unexpected keys
   * are an error; a shape mismatch or a non-float value always is. Values of the other float dtype
   * are converted. Returns the missing and unexpected keys.
   */
  loadStateDict(dict: StateDict, opts: LoadOptions = {}): LoadResult {
    const strict = opts.strict ?? true;
    const own = this.allParameters("");
    const result = checkStateDict(own, dict, strict);
    noGrad(() => {
      for (const [k, p] of own) {
        if (!Object.hasOwn(dict, k)) continue;
        p.data.set(astype(dict[k]!, p.dtype).toTypedArray(), p.offset);
      }
    });
    return result;
  }

  /**
   * Converts every parameter to the float `dtype`, in place. Each parameter keeps its identity
   * (as PyTorch's `param.data = ...`), so references held elsewhere see the new dtype; build the
   * optimizer after this anyway, since its state was made for the old dtype.
   */
  to(dtype: DType): this {
    if (dtype !== "float32" && dtype !== "float64")
      throw new Error(`to: modules hold float parameters; expected float32 or float64, got ${dtype}`);
    for (const p of this.parameters()) {
      if (p.dtype === dtype) continue;
      const q = noGrad(() => astype(p, dtype)); // a fresh contiguous copy
      const grad = p.grad === null ? null : noGrad(() => astype(p.grad!, dtype).detach());
      // NOTE: the only write to a tensor's storage fields; safe because parameters are leaves.
      Object.assign(p, { data: q.data, dtype, strides: q.strides, offset: 0, grad });
    }
    return this;
  }

  /** This module's own settings for `toString()` (`inFeatures=4, outFeatures=2`). */
  protected extraRepr(): string {
    return "";
  }

  /** A readable tree of the module, as PyTorch prints it, with parameter counts. */
  toString(): string {
    const count = this.numParameters();
    const tag = count > 0 ? `  # ${count.toLocaleString("en-US")} parameters` : "";
    const name = this.constructor.name;
    const children = this.namedChildren();
    if (children.length === 0) return `${name}(${this.extraRepr()})${tag}`;
    const extra = this.extraRepr();
    const lines = children.map(([n, m]) => `  (${n}): ${m.toString().split("\n").join("\n  ")}`);
    if (extra) lines.unshift(`  ${extra}`);
    return `${name}(\n${lines.join("\n")}\n)${tag}`;
  }
}
