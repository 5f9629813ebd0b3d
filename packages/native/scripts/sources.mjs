// Lists the C++ sources of the given folders for binding.gyp (gyp has no globs), one per line.
import { readdirSync } from "node:fs";

for (const dir of process.argv.slice(2)) {
  for (const f of readdirSync(dir).sort()) if (f.endsWith(".cc")) console.log(`${dir}/${f}`);
}
