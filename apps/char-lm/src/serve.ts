import { createReadStream, existsSync, statSync } from "node:fs";
import { createServer, type Server } from "node:http";
import { dirname, extname, isAbsolute, join, relative, resolve } from "node:path";
import { fileURLToPath } from "node:url";

const TYPES: Record<string, string> = {
  ".html": "text/html; charset=utf-8",
  ".js": "text/javascript; charset=utf-8",
  ".map": "application/json",
  ".txt": "text/plain; charset=utf-8",
  ".css": "text/css",
  ".wasm": "application/wasm",
};

/**
 * Serves the built web demo from `root` on localhost, with the cross-origin isolation headers
 * (COOP/COEP) that threaded WebAssembly needs.
 */
export function serveDemo(root: string, port = 5173): Promise<Server> {
  const server = createServer((req, res) => {
    const url = new URL(req.url ?? "/", "http://localhost");
    let path: string;
    try {
      path = resolve(join(root, decodeURIComponent(url.pathname === "/" ? "/index.html" : url.pathname)));
    } catch {
      res.writeHead(400).end("bad request");
      return;
    }
    // Only files inside root: a path that climbs out (even via %2F) is not found.
    const rel = relative(resolve(root), path);
    if (rel.startsWith("..") || isAbsolute(rel) || !existsSync(path) || !statSync(path).isFile()) {
      res.writeHead(404).end("not found");
      return;
    }
    res.writeHead(200, {
      "Content-Type": TYPES[extname(path)] ?? "application/octet-stream",
      "Cross-Origin-Opener-Policy": "same-origin",
      "Cross-Origin-Embedder-Policy": "require-corp",
    });
    createReadStream(path).pipe(res);
  });
  return new Promise((ok, fail) => {
    server.once("error", fail);
    server.listen(port, "127.0.0.1", () => ok(server));
  });
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const root = resolve(dirname(fileURLToPath(import.meta.url)), "web");
  const port = Number(process.env.PORT ?? 5173);
  serveDemo(root, port).then(() => console.log(`char-lm web demo: http://localhost:${port}/`));
}
