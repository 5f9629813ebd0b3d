import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { serveDemo } from "./serve.js";

describe("serveDemo", () => {
  it("serves files inside its root with isolation headers and nothing outside it", async () => {
    const dir = mkdtempSync(join(tmpdir(), "char-lm-serve-"));
    mkdirSync(join(dir, "web"));
    mkdirSync(join(dir, "web-private"));
    writeFileSync(join(dir, "web", "index.html"), "<p>hi</p>");
    writeFileSync(join(dir, "web-private", "secret.txt"), "SECRET");
    const server = await serveDemo(join(dir, "web"), 0);
    const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    try {
      const ok = await fetch(`${base}/`);
      expect(ok.status).toBe(200);
      expect(ok.headers.get("cross-origin-embedder-policy")).toBe("require-corp");
      expect(await ok.text()).toBe("<p>hi</p>");
      for (const path of [
        "/..%2Fweb-private%2Fsecret.txt",
        "/../web-private/secret.txt",
        "/%2E%2E/web-private/secret.txt",
      ]) {
        const r = await fetch(base + path);
        expect(r.status, path).not.toBe(200);
      }
      expect((await fetch(`${base}/%E0%A4%A`)).status).toBe(400);
    } finally {
      await new Promise<void>((done) => server.close(() => done()));
    }
  });
});
