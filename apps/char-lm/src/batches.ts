import { type Generator as Rng, Tensor } from "@nablajs/tensor";

/** One batch of windows: inputs x and next-character targets y, both int32 [seqLen, batch]. */
export interface Batch {
  x: Tensor;
  y: Tensor;
}

/** The batch of windows starting at `starts[b]` (one per column). */
function windows(ids: Int32Array, starts: ArrayLike<number>, seqLen: number): Batch {
  const batchSize = starts.length;
  const x = new Int32Array(seqLen * batchSize);
  const y = new Int32Array(seqLen * batchSize);
  for (let b = 0; b < batchSize; b++) {
    const start = starts[b]!;
    for (let t = 0; t < seqLen; t++) {
      x[t * batchSize + b] = ids[start + t]!;
      y[t * batchSize + b] = ids[start + t + 1]!;
    }
  }
  return { x: new Tensor(x, [seqLen, batchSize]), y: new Tensor(y, [seqLen, batchSize]) };
}

/**
 * Random windows of a token stream: each batch takes `batchSize` windows of `seqLen + 1` tokens
 * at offsets drawn from `generator` (its state is the data position, so a resumed run draws the
 * same batches).
 */
export function sampleBatch(ids: Int32Array, seqLen: number, batchSize: number, generator: Rng): Batch {
  const span = ids.length - seqLen - 1;
  if (span < 0)
    throw new Error(
      `sampleBatch: the data (${ids.length} tokens) is shorter than seqLen + 1 = ${seqLen + 1}`,
    );
  const starts = Array.from({ length: batchSize }, () => generator.integer(0, span + 1));
  return windows(ids, starts, seqLen);
}

/** The number of tokens each of `batchSize` contiguous streams of `ids` gets. */
export function streamLength(length: number, batchSize: number): number {
  return Math.floor((length - 1) / batchSize);
}

/**
 * Consecutive windows covering `ids` once (for evaluation): yields batches whose columns are
 * `batchSize` equal slices of the stream, stepped `seqLen` tokens at a time, so the state at the
 * end of one batch continues each column into the next.
 */
export function* sequentialBatches(ids: Int32Array, seqLen: number, batchSize: number): Generator<Batch> {
  const cols = streamLength(ids.length, batchSize);
  for (let t0 = 0; t0 + seqLen <= cols; t0 += seqLen) {
    yield windows(
      ids,
      Array.from({ length: batchSize }, (_, b) => b * cols + t0),
      seqLen,
    );
  }
}

/** Where a `StreamBatches` reader stands, for checkpoints. */
export interface StreamPosition {
  /** Tokens into each stream of the next window. */
  cursor: number;
  /** Where each stream starts in this pass over the data (drawn anew each pass). */
  shift: number;
  /** Complete passes over the data. */
  epoch: number;
}

/**
 * Truncated backpropagation through time over contiguous streams, as char-rnn trains: the data is
 * cut into `batchSize` streams, one per column, read `seqLen` tokens at a time, so the state a
 * batch ends with is the right start for the next one (`fresh` says when it is not: a new pass).
 * Each pass starts at a random shift in [0, seqLen) so window edges fall elsewhere every epoch.
 */
export class StreamBatches {
  private readonly cols: number;
  position: StreamPosition = { cursor: 0, shift: 0, epoch: 0 };

  constructor(
    private readonly ids: Int32Array,
    private readonly seqLen: number,
    private readonly batchSize: number,
    private readonly generator: Rng,
  ) {
    this.cols = streamLength(ids.length, batchSize);
    if (this.cols < seqLen + 1)
      throw new Error(
        `StreamBatches: ${ids.length} tokens give ${batchSize} streams of ${this.cols}, fewer than seqLen + 1 = ${seqLen + 1}`,
      );
  }

  /** The next batch; `fresh` is true when it starts a pass (the carried state must be reset). */
  next(): Batch & { fresh: boolean } {
    let { cursor, shift, epoch } = this.position;
    const fresh = cursor === 0;
    if (fresh) shift = this.generator.integer(0, Math.min(this.seqLen, this.cols - this.seqLen));
    const starts = Array.from({ length: this.batchSize }, (_, b) => b * this.cols + shift + cursor);
    const batch = windows(this.ids, starts, this.seqLen);
    cursor += this.seqLen;
    if (shift + cursor + this.seqLen > this.cols) [cursor, epoch] = [0, epoch + 1];
    this.position = { cursor, shift, epoch };
    return { ...batch, fresh };
  }
}
