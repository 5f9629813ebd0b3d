import type { Backend } from "../backend.js";
import { binary, copy, unary, where } from "./elementwise.js";
import { gather, scatterAdd } from "./gather.js";
import { matmul } from "./matmul.js";
import { reduce } from "./reduce.js";

/** The reference backend: plain TypeScript over typed arrays, runs everywhere. */
export const jsBackend: Backend = {
  name: "js",
  unary,
  binary,
  copy,
  where,
  reduce,
  matmul,
  gather,
  scatterAdd,
};
