import { Generator } from "@nablajs/tensor";

/** A fresh seeded generator for a test: never Math.random. */
export function rng(seed = 0): Generator {
  return new Generator(seed);
}
