import { defineConfig } from "tsup";
import { library } from "../../tooling/tsconfig/tsup.js";

// Two entries: everything (`nabla`) and the Node-only file helpers (`nabla/node`).
export default defineConfig({ ...library, entry: ["src/index.ts", "src/node.ts"] });
