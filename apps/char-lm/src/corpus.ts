/**
 * The characters of a corpus as token ids: the sorted set of distinct characters (Unicode code
 * points, so an emoji outside the Basic Multilingual Plane is one character) is the vocabulary.
 */
export class Vocab {
  readonly chars: string[];
  private readonly ids: Map<string, number>;

  constructor(chars: Iterable<string>) {
    this.chars = [...new Set(chars)].sort();
    if (this.chars.length === 0) throw new Error("Vocab: the corpus is empty");
    this.ids = new Map(this.chars.map((c, i) => [c, i]));
  }

  /** The vocabulary of every character in `text`. */
  static fromText(text: string): Vocab {
    return new Vocab(text);
  }

  get size(): number {
    return this.chars.length;
  }

  /** Whether `char` (one code point) is in the vocabulary. */
  has(char: string): boolean {
    return this.ids.has(char);
  }

  /** The characters of `text` that are not in the vocabulary, each once, in order of appearance. */
  missing(text: string): string[] {
    return [...new Set(text)].filter((c) => !this.ids.has(c));
  }

  /** Token ids of `text`, one per code point; a character outside the vocabulary is an error naming it. */
  encode(text: string): Int32Array {
    const out = new Int32Array(text.length);
    let n = 0;
    for (const c of text) {
      const id = this.ids.get(c);
      if (id === undefined) {
        const code = `U+${c.codePointAt(0)!.toString(16).toUpperCase().padStart(4, "0")}`;
        throw new Error(
          `Vocab.encode: character ${JSON.stringify(c)} (${code}) at ${n} is not in the vocabulary of ${this.size} characters`,
        );
      }
      out[n++] = id;
    }
    return out.subarray(0, n);
  }

  decode(ids: ArrayLike<number>): string {
    let s = "";
    for (let i = 0; i < ids.length; i++) s += this.chars[ids[i]!] ?? "?";
    return s;
  }
}

/** Splits token ids into a training part and a validation tail (`valFraction` of the corpus). */
export function splitCorpus(ids: Int32Array, valFraction = 0.1): { train: Int32Array; val: Int32Array } {
  if (!(valFraction >= 0 && valFraction < 1))
    throw new Error(`splitCorpus: valFraction must be in [0, 1), got ${valFraction}`);
  const cut = Math.floor(ids.length * (1 - valFraction));
  return { train: ids.subarray(0, cut), val: ids.subarray(cut) };
}

/**
 * A prompt taken from the corpus itself, so it fits any vocabulary: the first whole non-blank
 * line of the validation tail (up to 24 characters), else the tail's first characters.
 */
export function corpusPrompt(text: string, valFraction = 0.1): string {
  const chars = [...text];
  const tail = chars.slice(Math.floor(chars.length * (1 - valFraction))).join("");
  const lines = tail.split("\n").slice(1); // the first line may start mid-line
  const line = lines.find((l) => l.trim() !== "");
  return [...(line ?? (tail || text))].slice(0, 24).join("");
}
