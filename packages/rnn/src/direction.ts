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

/** The operands as the flat list a custom op takes: x, h0, (c0), W_ih, W_hh, (b_ih, b_hh). */
export function packInputs(d: DirectionInputs): Tensor[] {
  const list = [d.x, d.h0];
  if (d.c0 !== null) list.push(d.c0);
  list.push(d.wih, d.whh);
  if (d.bih !== null && d.bhh !== null) list.push(d.bih, d.bhh);
  else if (d.bih !== null || d.bhh !== null)
    throw new Error("rnn: b_ih and b_hh must both be given or both be null");
  return list;
}

/** The inverse of `packInputs` for a cell kind. */
export function unpackInputs<T>(kind: CellKind, list: readonly T[]) {
  const hasC = kind === "LSTM";
  const k = hasC ? 3 : 2;
  const bias = list.length === k + 4;
  return {
    x: list[0]!,
    h0: list[1]!,
    c0: hasC ? list[2]! : null,
    wih: list[k]!,
    whh: list[k + 1]!,
    bih: bias ? list[k + 2]! : null,
    bhh: bias ? list[k + 3]! : null,
  };
}

/** Gates stacked in a cell kind's weight matrices. */
export function gatesOf(kind: CellKind): number {
  return kind === "LSTM" ? 4 : kind === "GRU" ? 3 : 1;
}
