import { type Generator as Rng, Tensor } from "@nablajs/tensor";

/** One batch of windows: inputs x and next-character targets y, both int32 [seqLen, batch]. */
export interface Batch {
  x: Tensor;
  y: Tensor;
}

/**
 * Random windows of a token stream, as char-rnn trains: each batch takes `batchSize` windows of
 * `seqLen + 1` tokens at offsets drawn from `generator` (its state is the data position, so a
 * resumed run draws the same batches).
 */
export function sampleBatch(ids: Int32Array, seqLen: number, batchSize: number, generator: Rng): Batch {
  const span = ids.length - seqLen - 1;
  if (span < 0)
    throw new Error(
      `sampleBatch: the data (${ids.length} tokens) is shorter than seqLen + 1 = ${seqLen + 1}`,
    );
  const x = new Int32Array(seqLen * batchSize);
  const y = new Int32Array(seqLen * batchSize);
  for (let b = 0; b < batchSize; b++) {
    const start = generator.integer(0, span + 1);
    for (let t = 0; t < seqLen; t++) {
      x[t * batchSize + b] = ids[start + t]!;
      y[t * batchSize + b] = ids[start + t + 1]!;
    }
  }
  return { x: new Tensor(x, [seqLen, batchSize]), y: new Tensor(y, [seqLen, batchSize]) };
}

/**
 * Consecutive windows covering `ids` once (for evaluation): yields batches whose columns are
 * `batchSize` equal slices of the stream, stepped `seqLen` tokens at a time.
 */
export function* sequentialBatches(ids: Int32Array, seqLen: number, batchSize: number): Generator<Batch> {
  const cols = Math.floor((ids.length - 1) / batchSize);
  for (let t0 = 0; t0 + seqLen <= cols; t0 += seqLen) {
    const x = new Int32Array(seqLen * batchSize);
    const y = new Int32Array(seqLen * batchSize);
    for (let b = 0; b < batchSize; b++) {
      for (let t = 0; t < seqLen; t++) {
        x[t * batchSize + b] = ids[b * cols + t0 + t]!;
        y[t * batchSize + b] = ids[b * cols + t0 + t + 1]!;
      }
    }
    yield { x: new Tensor(x, [seqLen, batchSize]), y: new Tensor(y, [seqLen, batchSize]) };
  }
}
