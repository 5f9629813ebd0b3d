/** Where progress is written: a terminal stream or anything with `write`. */
export interface Sink {
  write(s: string): unknown;
  isTTY?: boolean;
  columns?: number;
}

/** Seconds as mm:ss (h:mm:ss from an hour). */
export function clock(seconds: number): string {
  if (!Number.isFinite(seconds)) return "--:--";
  const s = Math.round(seconds);
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const pad = (n: number) => String(n).padStart(2, "0");
  return h > 0 ? `${h}:${pad(m)}:${pad(s % 60)}` : `${pad(m)}:${pad(s % 60)}`;
}

function compact(n: number): string {
  return n >= 1e3 ? `${(n / 1e3).toFixed(1)}k` : n >= 100 ? n.toFixed(0) : n.toFixed(2);
}

/**
 * A progress bar with rate and ETA on a terminal (redrawn in place), or plain lines elsewhere
 * (CI logs, pipes): one line every `plainEvery` seconds and at the end.
 */
export class Progress {
  private readonly start: number;
  private lastPlain = Number.NEGATIVE_INFINITY;
  private done: number;

  constructor(
    private readonly total: number,
    private readonly opts: {
      sink: Sink;
      unit?: string;
      perUnit?: [number, string];
      plainEvery?: number;
      now?: () => number;
      startAt?: number;
      /** How `done` of `total` reads (default "done/total"); a time budget shows clocks. */
      counts?: (done: number, total: number) => string;
      /** Show the rate of units (default true); off when the status says it better. */
      rate?: boolean;
    },
  ) {
    this.now = opts.now ?? (() => performance.now() / 1000);
    this.start = this.now();
    this.done = opts.startAt ?? 0;
    this.first = this.done;
  }

  private readonly now: () => number;
  private readonly first: number;

  /** Records that `done` units are complete, with a short status (e.g. the loss). */
  update(done: number, status = ""): void {
    this.done = done;
    const t = this.now();
    const elapsed = t - this.start;
    const rate = elapsed > 0 ? (done - this.first) / elapsed : 0;
    const eta = rate > 0 ? (this.total - done) / rate : Number.POSITIVE_INFINITY;
    const unit = this.opts.unit ?? "it";
    const extra = this.opts.perUnit
      ? ` ${compact(rate * this.opts.perUnit[0])} ${this.opts.perUnit[1]}/s`
      : "";
    const counts =
      this.opts.counts?.(done, this.total) ??
      `${String(done).padStart(String(this.total).length)}/${this.total}`;
    const speed = this.opts.rate === false ? "" : `${compact(rate)} ${unit}/s${extra} `;
    const tail = `${speed}ETA ${clock(eta)}${status ? ` ${status}` : ""}`;
    if (this.opts.sink.isTTY) {
      const width = Math.max(
        10,
        Math.min(30, (this.opts.sink.columns ?? 80) - counts.length - tail.length - 12),
      );
      const filled = Math.round((width * Math.min(done, this.total)) / this.total);
      const bar = "█".repeat(filled) + "░".repeat(width - filled);
      const pct = `${Math.floor((100 * Math.min(done, this.total)) / this.total)}%`.padStart(4);
      this.opts.sink.write(`\r\x1b[2K${counts} ${bar}${pct} ${tail}`);
      if (done >= this.total) this.opts.sink.write("\n");
    } else if (t - this.lastPlain >= (this.opts.plainEvery ?? 10) || done >= this.total) {
      this.lastPlain = t;
      this.opts.sink.write(
        `${unit} ${counts} (${Math.floor((100 * Math.min(done, this.total)) / this.total)}%) ${tail}\n`,
      );
    }
  }

  /** Erases the bar (on a terminal), before a message or when the run stops early. */
  clear(): void {
    if (this.opts.sink.isTTY) this.opts.sink.write("\r\x1b[2K");
  }

  /** Prints a line of text without breaking the bar (the bar is redrawn on the next update). */
  log(line: string): void {
    this.opts.sink.write(this.opts.sink.isTTY ? `\r\x1b[2K${line}\n` : `${line}\n`);
  }
}
