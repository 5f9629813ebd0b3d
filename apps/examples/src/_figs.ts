import { readdirSync } from "node:fs";
import type { AddressInfo } from "node:net";
import { launch } from "./page/screenshot.js";
import { serveSite } from "./page/serve.js";

const width = Number(process.argv[2] ?? 1280);
const server = await serveSite("/work/main/apps/examples/dist/gallery", 0);
const browser = await launch();
const p = await browser.newPage({ viewport: { width, height: 900 } });
for (const f of readdirSync("/work/main/apps/examples/dist/gallery").filter((f) =>
  /^\d\d-.*\.html$/.test(f),
)) {
  await p.goto(`http://127.0.0.1:${(server.address() as AddressInfo).port}/${f}`);
  const figs = await p.$$("main > figure");
  for (const [i, fig] of figs.entries())
    await fig.screenshot({ path: `/tmp/ex/figs/${f.slice(0, 2)}-${i}-${width}.png` });
}
await browser.close();
server.close();
