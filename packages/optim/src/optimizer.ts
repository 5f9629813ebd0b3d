import { astype, contiguousData, enableGrad, full, isFloat, noGrad, shapeStr, Tensor } from "@nablajs/tensor";

/** The storage of a float parameter, gradient or state buffer. */
export type FloatArray = Float32Array | Float64Array;

/** Options every optimizer has: the learning rate, which schedules adjust. */
export interface LrOptions {
  lr: number;
}

/** A parameter group: some parameters and the options used for them. */
export type ParamGroup<O> = O & {
  params: Tensor[];
  /** The learning rate when a schedule was first attached (set by the schedules). */
  initialLr?: number;
};

/** What the constructor and `addParamGroup` accept: parameters, with options that override the defaults. */
export type ParamGroupInput<O> = Partial<O> & { params: Iterable<Tensor> };

/** Parameters to optimize: tensors, or groups of tensors with their own options. */
export type Params<O> = Iterable<Tensor> | readonly ParamGroupInput<O>[];

/** One parameter's state: plain numbers (`step`) and tensors named as in PyTorch (`exp_avg`). */
export type ParamState = Record<string, Tensor | number | undefined>;

/** A snapshot of an optimizer: state keyed by parameter index (counted across groups, as PyTorch). */
export interface OptimizerStateDict {
  state: Record<number, ParamState>;
  paramGroups: (Record<string, unknown> & { params: number[] })[];
}

function isGroup(x: unknown): boolean {
  return typeof x === "object" && x !== null && !(x instanceof Tensor) && "params" in x;
}

/** A copy of a state value: tensors get fresh contiguous storage in `dtype`, numbers stay. */
function copyValue(v: Tensor | number | undefined, dtype?: Tensor["dtype"]): Tensor | number | undefined {
  if (!(v instanceof Tensor)) return v;
  return noGrad(() => new Tensor(astype(v, dtype ?? v.dtype).toTypedArray(), v.shape));
}

function copyOptions(group: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(group)) if (k !== "params") out[k] = Array.isArray(v) ? v.slice() : v;
  return out;
}

/**
 * The base of every optimizer, as torch.optim.Optimizer: parameter groups with their options,
 * per-parameter state created lazily on the first step, `zeroGrad`, and state dicts. A subclass
 * validates its options and supplies the update of one parameter; the update writes into the
 * parameter's storage in place (parameters are contiguous).
 */
export abstract class Optimizer<O extends LrOptions = LrOptions, S extends ParamState = ParamState> {
  readonly defaults: O;
  readonly paramGroups: ParamGroup<O>[] = [];
  /** Per-parameter state, created on the parameter's first step. */
  readonly state = new Map<Tensor, S>();
  protected readonly name: string;

  constructor(params: Params<O>, defaults: O, name: string) {
    this.name = name;
    this.validate(defaults);
    this.defaults = defaults;
    if (params instanceof Tensor)
      throw new Error(`${name}: params must be an iterable of Tensors, got a Tensor`);
    const list = [...(params as Iterable<unknown>)];
    if (list.length === 0) throw new Error(`${name}: got an empty parameter list`);
    const groups = isGroup(list[0])
      ? (list as ParamGroupInput<O>[])
      : [{ params: list } as unknown as ParamGroupInput<O>];
    for (const g of groups) this.addParamGroup(g);
  }

  /** Throws a PyTorch-style message (`Invalid learning rate: -1`) for a bad option. */
  protected abstract validate(options: O): void;
  /** The fresh state of a parameter, created on its first step. */
  protected abstract initState(p: Tensor, group: ParamGroup<O>): S;
  /** Updates parameter `p` in place (its storage is `data`) from its gradient `grad`. */
  protected abstract update(
    p: Tensor,
    data: FloatArray,
    grad: FloatArray,
    state: S,
    group: ParamGroup<O>,
  ): void;

  /** Adds parameters with options of their own (the defaults fill the rest). */
  addParamGroup(group: ParamGroupInput<O>): void {
    if (group === null || typeof group !== "object" || !("params" in group)) {
      throw new Error(`${this.name}: a parameter group needs a 'params' field`);
    }
    const params = group.params instanceof Tensor ? [group.params] : [...group.params];
    const seen = new Set(this.paramGroups.flatMap((g) => g.params));
    params.forEach((p, i) => {
      if (!(p instanceof Tensor))
        throw new Error(`${this.name}: can only optimize Tensors, got ${typeof p} at ${i}`);
      if (!isFloat(p.dtype))
        throw new Error(`${this.name}: can only optimize float tensors, got ${p.dtype} at ${i}`);
      if (!p.isLeaf) throw new Error(`${this.name}: can't optimize a non-leaf Tensor (parameter ${i})`);
      if (!p.isContiguous)
        throw new Error(`${this.name}: parameter ${i} ${shapeStr(p.shape)} must be contiguous`);
      if (seen.has(p))
        throw new Error(`${this.name}: some parameters appear in more than one parameter group`);
      seen.add(p);
    });
    const merged = {
      ...this.defaults,
      ...copyOptions(group as Record<string, unknown>),
      params,
    } as ParamGroup<O>;
    this.validate(merged);
    this.paramGroups.push(merged);
  }

  /**
   * Updates every parameter that has a gradient. `closure`, if given, is called first (with
   * recording on) to recompute the loss, which is returned.
   */
  step(closure?: () => Tensor): Tensor | undefined {
    const loss = closure === undefined ? undefined : enableGrad(closure);
    for (const group of this.paramGroups) {
      for (const p of group.params) {
        if (p.grad === null) continue;
        let s = this.state.get(p);
        if (s === undefined) {
          s = this.initState(p, group);
          this.state.set(p, s);
        }
        this.update(p, paramData(p), this.gradData(p), s, group);
      }
    }
    return loss;
  }

  /** Clears every parameter's gradient (sets it to null). */
  zeroGrad(): void {
    for (const g of this.paramGroups) for (const p of g.params) p.grad = null;
  }

  /** The gradient's elements in row-major order, checked against the parameter. */
  protected gradData(p: Tensor): FloatArray {
    const g = p.grad!;
    if (g.dtype !== p.dtype || g.shape.join() !== p.shape.join()) {
      throw new Error(
        `${this.name}: gradient ${g.dtype} ${shapeStr(g.shape)} does not match its parameter ${p.dtype} ${shapeStr(p.shape)}`,
      );
    }
    return contiguousData(g) as FloatArray;
  }

  /** A snapshot (copies) of the options of each group and the state of each parameter, by index. */
  stateDict(): OptimizerStateDict {
    const ids = new Map<Tensor, number>();
    const paramGroups = this.paramGroups.map((g) => ({
      ...copyOptions(g as unknown as Record<string, unknown>),
      params: g.params.map((p) => {
        ids.set(p, ids.size);
        return ids.size - 1;
      }),
    }));
    const state: Record<number, ParamState> = {};
    for (const [p, s] of this.state) {
      const id = ids.get(p);
      if (id === undefined) continue;
      state[id] = Object.fromEntries(Object.entries(s).map(([k, v]) => [k, copyValue(v)]));
    }
    return { state, paramGroups };
  }

  /** Restores options and state from `stateDict()` of an optimizer over parameters of the same shapes. */
  loadStateDict(dict: OptimizerStateDict): void {
    const groups = dict?.paramGroups;
    if (!Array.isArray(groups) || groups.length !== this.paramGroups.length) {
      throw new Error(
        `${this.name}: loaded state dict has ${groups?.length ?? "no"} parameter groups, the optimizer has ${this.paramGroups.length}`,
      );
    }
    const params = this.paramGroups.flatMap((g) => g.params);
    groups.forEach((g, i) => {
      const own = this.paramGroups[i]!;
      if (g.params.length !== own.params.length) {
        throw new Error(
          `${this.name}: loaded parameter group ${i} has ${g.params.length} parameters, the optimizer's has ${own.params.length}`,
        );
      }
      this.validate({ ...own, ...copyOptions(g) });
    });
    const state = new Map<Tensor, S>();
    for (const [key, s] of Object.entries(dict.state ?? {})) {
      const p = params[Number(key)];
      if (p === undefined)
        throw new Error(`${this.name}: loaded state for parameter ${key}, which does not exist`);
      for (const [k, v] of Object.entries(s)) {
        if (v instanceof Tensor && v.shape.join() !== p.shape.join()) {
          throw new Error(
            `${this.name}: loaded state '${k}' of parameter ${key} is ${shapeStr(v.shape)}, the parameter ${shapeStr(p.shape)}`,
          );
        }
      }
      state.set(p, Object.fromEntries(Object.entries(s).map(([k, v]) => [k, copyValue(v, p.dtype)])) as S);
    }
    groups.forEach((g, i) => {
      Object.assign(this.paramGroups[i]!, copyOptions(g));
    });
    this.state.clear();
    for (const [p, s] of state) this.state.set(p, s);
  }
}

/** The parameter's own storage, written in place by the updates. */
export function paramData(p: Tensor): FloatArray {
  return p.data.subarray(p.offset, p.offset + p.size) as FloatArray;
}

/** The storage of a state buffer that the optimizer created (contiguous, offset 0). */
export function buf(t: Tensor | number | undefined): FloatArray {
  return (t as Tensor).data as FloatArray;
}

/** A zero (or `value`-filled) state buffer shaped like `p`. */
export function bufferLike(p: Tensor, value = 0): Tensor {
  return full(p.shape, value, { dtype: p.dtype });
}

/**
 * The storage of the optional state buffer `s[key]`, created as zeros shaped like `p` when missing:
 * on the first step that uses it, or after an option turned on or a state dict loaded without it.
 */
export function lazyBuf<S extends ParamState>(s: S, key: keyof S & string, p: Tensor): FloatArray {
  const state = s as ParamState;
  state[key] ??= bufferLike(p);
  return buf(state[key]);
}
