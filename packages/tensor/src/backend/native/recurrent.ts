import type { FloatArray, RecurrentKernels as NativeRecurrent } from "@nablajs/native";
import { allocate, type TypedArray } from "../../dtype.js";
import type { RecurrentKernels, RecurrentOperands } from "../backend.js";

type Floats = FloatArray;

const ALL = { x: true, h0: true, c0: true, wih: true, whh: true, bih: true, bhh: true };

/**
 * Whole recurrent sequences in the addon (the time loop, the gate math and BPTT in C++, threads
 * sharing the batch), on typed arrays this side allocates: the garbage collector frees them.
 */
export function nativeRecurrent(k: NativeRecurrent): RecurrentKernels {
  return {
    supports: (seq) => seq.dtype === "float32" || seq.dtype === "float64",
    forward(seq, ops, keep = true) {
      const { kind, T, B, I, H, dtype } = seq;
      const y = allocate(dtype, T * B * H);
      const hn = allocate(dtype, B * H);
      const cn = kind === "LSTM" ? allocate(dtype, B * H) : null;
      const saved = keep ? allocate(dtype, k.recurrentSavedLength(kind, T, B, H)) : null;
      k.recurrentForward(
        kind,
        T,
        B,
        I,
        H,
        seq.reverse,
        seq.lengths,
        ops.x as Floats,
        ops.h0 as Floats,
        ops.c0 as Floats | null,
        ops.wih as Floats,
        ops.whh as Floats,
        ops.bih as Floats | null,
        ops.bhh as Floats | null,
        y as Floats,
        hn as Floats,
        cn as Floats | null,
        saved as Floats | null,
      );
      return { y, hn, cn, saved };
    },
    backward(seq, ops, saved, dy, dhn, dcn, wants = ALL) {
      const { kind, T, B, I, H, dtype } = seq;
      const G = kind === "LSTM" ? 4 : kind === "GRU" ? 3 : 1;
      const make = (want: boolean, n: number) => (want ? allocate(dtype, n) : null);
      const g = {
        x: make(wants.x, T * B * I),
        h0: make(wants.h0, B * H),
        c0: make(wants.c0 && kind === "LSTM", B * H),
        wih: make(wants.wih, G * H * I),
        whh: make(wants.whh, G * H * H),
        bih: make(wants.bih && ops.bih !== null, G * H),
        bhh: make(wants.bhh && ops.bhh !== null, G * H),
      } satisfies { [K in keyof RecurrentOperands]: TypedArray | null };
      k.recurrentBackward(
        kind,
        T,
        B,
        I,
        H,
        seq.reverse,
        seq.lengths,
        ops.x as Floats,
        ops.wih as Floats,
        ops.whh as Floats,
        saved as Floats,
        dy as Floats,
        dhn as Floats,
        dcn as Floats | null,
        g.x as Floats | null,
        g.h0 as Floats | null,
        g.c0 as Floats | null,
        g.wih as Floats | null,
        g.whh as Floats | null,
        g.bih as Floats | null,
        g.bhh as Floats | null,
      );
      return g;
    },
  };
}
