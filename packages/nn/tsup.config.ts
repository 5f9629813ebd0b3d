import { defineConfig } from "tsup";
import { library } from "../../tooling/tsconfig/tsup.js";

// Two entries: the browser-safe main one and `@nablajs/nn/node` with the file helpers.
export default defineConfig({ ...library, entry: ["src/index.ts", "src/node.ts"] });
