import { defineConfig } from "tsup";
import { library } from "../../tooling/tsconfig/tsup.js";

export default defineConfig({ ...library, entry: [...library.entry] });
