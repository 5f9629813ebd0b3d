import { Tensor } from "@nablajs/tensor";

/** JSON with tensors replaced by references into a flat tensor map (for one safetensors file). */
export type Packed = { json: unknown; tensors: Record<string, Tensor> };

/**
 * Separates the tensors from any nested state (an optimizer's state dict, say): each tensor goes
 * into `tensors` under its path (`prefix.state.0.expAvg`), leaving `{ $tensor: key }` in the JSON.
 */
export function packState(value: unknown, prefix: string): Packed {
  const tensors: Record<string, Tensor> = {};
  const walk = (v: unknown, path: string): unknown => {
    if (v instanceof Tensor) {
      tensors[path] = v;
      return { $tensor: path };
    }
    if (Array.isArray(v)) return v.map((x, i) => walk(x, `${path}.${i}`));
    if (v !== null && typeof v === "object") {
      return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, walk(x, `${path}.${k}`)]));
    }
    if (typeof v === "number" && !Number.isFinite(v)) return { $number: String(v) };
    return v;
  };
  return { json: walk(value, prefix), tensors };
}

/** The inverse of `packState`. */
export function unpackState(json: unknown, tensors: Record<string, Tensor>): unknown {
  if (Array.isArray(json)) return json.map((x) => unpackState(x, tensors));
  if (json !== null && typeof json === "object") {
    const o = json as Record<string, unknown>;
    if (typeof o.$tensor === "string") {
      const t = tensors[o.$tensor];
      if (t === undefined) throw new Error(`unpackState: the checkpoint lacks tensor '${o.$tensor}'`);
      return t;
    }
    if (typeof o.$number === "string") return Number(o.$number);
    return Object.fromEntries(Object.entries(o).map(([k, x]) => [k, unpackState(x, tensors)]));
  }
  return json;
}
