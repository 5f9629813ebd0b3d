// The entry of the WebAssembly module: everything exported here is callable from TypeScript.
export { gemmNN } from "./gemm";
export { unaryF32 } from "./unary";
export { attentionBackwardF32, attentionForwardF32 } from "./attention";
