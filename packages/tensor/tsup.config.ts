import { defineConfig } from "tsup";
import { library } from "../../tooling/tsconfig/tsup.js";

// Two entries: index (browsers and bundlers: wasm, then js) and node (the "node" condition: the
// native addon first). Their shared code is one chunk, so both see one Tensor class.
export default defineConfig({ ...library, entry: ["src/index.ts", "src/node.ts"], splitting: true });
