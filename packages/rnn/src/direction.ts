import type { Tensor } from "@nablajs/tensor";
import type { CellWeights } from "./cells/steps.js";

/** The recurrent cells a layer can run (PyTorch's mode names). */
export type CellKind = "LSTM" | "GRU" | "RNN_TANH" | "RNN_RELU";

/** One direction of one layer: which cell, which way through time, and the valid lengths. */
export interface DirectionSpec {
  kind: CellKind;
  reverse: boolean;
  /** Valid steps per batch entry, or null when every sequence fills all T steps. */
  lengths: Int32Array | null;
}

/** A direction's operands: x [T, B, I], h0 [B, H], c0 [B, H] (LSTM only) and the weights. */
export interface DirectionInputs extends CellWeights {
  x: Tensor;
  h0: Tensor;
  c0: Tensor | null;
}

/** The operands of one direction, by name. */
export type OperandName = "x" | "h0" | "c0" | "wih" | "whh" | "bih" | "bhh";

/** The order in which a direction's op takes its operands: x, h0, (c0), W_ih, W_hh, (b_ih, b_hh). */
export function operandNames(kind: CellKind, bias: boolean): OperandName[] {
  const names: OperandName[] = kind === "LSTM" ? ["x", "h0", "c0"] : ["x", "h0"];
  names.push("wih", "whh");
  if (bias) names.push("bih", "bhh");
  return names;
}

/** The operands as the flat list a custom op takes, in `operandNames` order. */
export function packInputs(kind: CellKind, d: DirectionInputs): Tensor[] {
  if ((d.bih === null) !== (d.bhh === null))
    throw new Error("rnn: b_ih and b_hh must both be given or both be null");
  return operandNames(kind, d.bih !== null).map((k) => d[k]!);
}

/** The operand names of a packed list of `count` operands (with biases when it is long enough). */
export function namesOf(kind: CellKind, count: number): OperandName[] {
  return operandNames(kind, count > (kind === "LSTM" ? 5 : 4));
}

/** The inverse of `packInputs`: the named operands (c0, b_ih, b_hh null where absent). */
export function unpackInputs<T>(
  kind: CellKind,
  list: readonly T[],
): Record<OperandName, T | null> & { x: T; h0: T; wih: T; whh: T } {
  const names = namesOf(kind, list.length);
  const out = { c0: null, bih: null, bhh: null } as Record<OperandName, T | null>;
  names.forEach((k, i) => {
    out[k] = list[i]!;
  });
  return out as Record<OperandName, T | null> & { x: T; h0: T; wih: T; whh: T };
}

/** Gates stacked in a cell kind's weight matrices. */
export function gatesOf(kind: CellKind): number {
  return kind === "LSTM" ? 4 : kind === "GRU" ? 3 : 1;
}
