// Lists the C++ sources of the given folders for binding.gyp (gyp has no globs), one per line.
import { existsSync, readdirSync } from "node:fs";

// A folder git did not keep (no files yet) lists nothing instead of failing gyp's configure.
for (const dir of process.argv.slice(2)) {
  if (!existsSync(dir)) continue;
  for (const f of readdirSync(dir).sort()) if (f.endsWith(".cc")) console.log(`${dir}/${f}`);
}
