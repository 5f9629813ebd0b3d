// pnpm gallery [--port 8080]: serves the gallery that `pnpm examples` wrote (apps/examples/dist/gallery).
import { existsSync, readFileSync, statSync } from "node:fs";
import { createServer, type Server } from "node:http";
import { extname, join, normalize, sep } from "node:path";
import { pathToFileURL } from "node:url";
import { siteDir } from "./build.js";

const TYPES: Record<string, string> = {
  ".html": "text/html; charset=utf-8",
  ".css": "text/css; charset=utf-8",
  ".svg": "image/svg+xml",
  ".png": "image/png",
  ".woff2": "font/woff2",
  ".json": "application/json",
  ".dot": "text/vnd.graphviz; charset=utf-8",
  ".mmd": "text/plain; charset=utf-8",
};

/** Serves the files of `dir` (GET only, nothing outside it) on `port` (0: any free one). */
export function serveSite(dir: string, port: number, host = "127.0.0.1"): Promise<Server> {
  const server = createServer((req, res) => {
    let path: string;
    try {
      path = decodeURIComponent(new URL(req.url ?? "/", "http://x").pathname);
    } catch {
      res.writeHead(400, { "content-type": "text/plain" }).end("bad request"); // a broken %-escape
      return;
    }
    const file = normalize(join(dir, path.endsWith("/") ? `${path}index.html` : path));
    const inside = file.startsWith(dir.endsWith(sep) ? dir : dir + sep);
    if (req.method !== "GET" || !inside || !existsSync(file) || !statSync(file).isFile()) {
      res.writeHead(404, { "content-type": "text/plain" }).end("not found");
      return;
    }
    res.writeHead(200, { "content-type": TYPES[extname(file)] ?? "application/octet-stream" });
    res.end(readFileSync(file));
  });
  return new Promise((ok, fail) => {
    server.once("error", fail); // a port in use rejects instead of crashing the process
    server.listen(port, host, () => ok(server));
  });
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) {
  const i = process.argv.indexOf("--port");
  const port = i > 0 ? Number(process.argv[i + 1]) : Number(process.env.PORT ?? 8080);
  if (!existsSync(join(siteDir, "index.html"))) {
    console.error("gallery: no site yet; run `pnpm examples` first (it writes apps/examples/dist/gallery)");
    process.exit(1);
  }
  await serveSite(siteDir, port);
  console.log(`gallery: http://127.0.0.1:${port}/ (Ctrl-C stops it)`);
}
