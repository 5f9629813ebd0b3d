import { type ChildProcessWithoutNullStreams, spawn, spawnSync } from "node:child_process";
import { createInterface, type Interface } from "node:readline";
import { fileURLToPath } from "node:url";

/** Debian's PyTorch, when installed: `apt-get install python3-torch`. */
const PYTHON = "/usr/bin/python3";
const SERVER = fileURLToPath(new URL("../torch/server.py", import.meta.url));

/**
 * The two PyTorch settings every case is compared with. "torch" is its best here: OpenBLAS's
 * AVX-512 kernels (OPENBLAS_CORETYPE=SkylakeX) on every core OpenBLAS wants (it ignores
 * torch.set_num_threads); "torch-1t" holds it to one core (OPENBLAS_NUM_THREADS=1).
 */
export const TORCH_SETTINGS = {
  torch: { threads: 1, env: { OPENBLAS_CORETYPE: "SkylakeX" } },
  "torch-1t": { threads: 1, env: { OPENBLAS_CORETYPE: "SkylakeX", OPENBLAS_NUM_THREADS: "1" } },
} as const;
export type TorchImpl = keyof typeof TORCH_SETTINGS;

let available: string | null | undefined;

/** PyTorch's version, or null when it cannot be imported here. */
export function torchVersion(): string | null {
  if (available !== undefined) return available;
  const r = spawnSync(PYTHON, ["-c", "import torch; print(torch.__version__)"], { encoding: "utf8" });
  available = r.status === 0 ? r.stdout.trim() : null;
  return available;
}

interface Server {
  child: ChildProcessWithoutNullStreams;
  lines: Interface;
  queue: ((line: string) => void)[];
}
const servers = new Map<TorchImpl, Promise<Server>>();

function server(impl: TorchImpl): Promise<Server> {
  let s = servers.get(impl);
  if (s === undefined) {
    s = new Promise<Server>((ok, fail) => {
      const { threads, env } = TORCH_SETTINGS[impl];
      const child = spawn(PYTHON, [SERVER, "serve", String(threads)], { env: { ...process.env, ...env } });
      const lines = createInterface({ input: child.stdout });
      const srv: Server = { child, lines, queue: [] };
      let ready = false;
      lines.on("line", (line) => {
        if (!ready) {
          ready = true;
          ok(srv);
          return;
        }
        srv.queue.shift()?.(line);
      });
      child.on("error", fail);
      child.stderr.on("data", (d) => process.stderr.write(`torch: ${d}`));
    });
    servers.set(impl, s);
  }
  return s;
}

/** Milliseconds PyTorch (setting `impl`) takes for the request, or why it could not run. */
export async function torchTime(impl: TorchImpl, request: Record<string, unknown>): Promise<number | string> {
  if (torchVersion() === null) return "PyTorch is not installed (apt-get install python3-torch)";
  const srv = await server(impl);
  const line = await new Promise<string>((ok) => {
    srv.queue.push(ok);
    srv.child.stdin.write(`${JSON.stringify(request)}\n`);
  });
  const r = JSON.parse(line) as { ms?: number; error?: string };
  return r.ms ?? `error: ${r.error}`;
}

/** One char-LM training step in a fresh PyTorch process: milliseconds and its peak memory. */
export function torchCharLm(
  impl: TorchImpl,
  cell: string,
  layers: number,
  hidden: number,
): { ms: number; peakMB: number } | string {
  if (torchVersion() === null) return "PyTorch is not installed (apt-get install python3-torch)";
  const { threads, env } = TORCH_SETTINGS[impl];
  const args = [SERVER, "charlm", String(threads), cell, String(layers), String(hidden)];
  const r = spawnSync(PYTHON, args, { encoding: "utf8", env: { ...process.env, ...env } });
  if (r.status !== 0) return `error: ${r.stderr.trim().split("\n").pop()}`;
  const { ms, peak_rss_mb } = JSON.parse(r.stdout.trim().split("\n").pop()!) as {
    ms: number;
    peak_rss_mb: number;
  };
  return { ms, peakMB: peak_rss_mb };
}

/** Stops the PyTorch servers at the end of the run. */
export function stopTorch(): void {
  for (const s of servers.values()) void s.then((srv) => srv.child.kill()).catch(() => {});
}
