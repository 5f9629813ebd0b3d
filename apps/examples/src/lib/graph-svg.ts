import { type Graph, type GraphNode, nodeLines } from "@nablajs/autograd";
import { escapeHtml } from "../page/highlight.js";

// A small layered ("Sugiyama") layout, drawn to SVG here so the gallery needs neither Graphviz nor
// a 3 MB Mermaid bundle in the page: ops sit one layer below their deepest input, a leaf sits just
// above its first use, and a few barycenter sweeps order each layer to keep edges short.

const CHAR = 6.6; // px per character of 11 px monospace
const LINE = 14;
const PAD = 8;
const GAP_X = 18;
const GAP_Y = 46;

interface Box {
  node: GraphNode;
  lines: string[];
  layer: number;
  w: number;
  h: number;
  x: number;
  y: number;
}

/** Layer of each node: an op one below its deepest input, a leaf one above its first consumer. */
function layers(graph: Graph): Map<string, number> {
  const inputs = new Map<string, string[]>();
  const users = new Map<string, string[]>();
  for (const e of graph.edges) {
    inputs.set(e.to, [...(inputs.get(e.to) ?? []), e.from]);
    users.set(e.from, [...(users.get(e.from) ?? []), e.to]);
  }
  const layer = new Map<string, number>();
  for (const n of graph.nodes) // topological order: inputs come first
    if (n.op !== "leaf")
      layer.set(n.id, 1 + Math.max(0, ...(inputs.get(n.id) ?? []).map((i) => layer.get(i) ?? 0)));
  for (const n of graph.nodes)
    if (n.op === "leaf")
      layer.set(n.id, Math.max(0, Math.min(...(users.get(n.id) ?? []).map((u) => layer.get(u)!)) - 1));
  return layer;
}

/** The computation graph as an SVG: one box per tensor (op, shape, value, gradient, local derivative). */
export function graphToSvg(graph: Graph): string {
  const layerOf = layers(graph);
  const boxes = new Map<string, Box>();
  for (const node of graph.nodes) {
    const lines = nodeLines(node);
    const w = Math.max(...lines.map((l) => l.length)) * CHAR + 2 * PAD;
    boxes.set(node.id, {
      node,
      lines,
      layer: layerOf.get(node.id)!,
      w,
      h: lines.length * LINE + 2 * PAD,
      x: 0,
      y: 0,
    });
  }
  const rows: Box[][] = [];
  for (const b of boxes.values()) (rows[b.layer] ??= []).push(b);
  // Order each layer by the mean position of its neighbours (down then up, a few times).
  const rank = new Map<string, number>();
  const place = () => {
    for (const row of rows)
      for (const [i, b] of (row ?? []).entries()) rank.set(b.node.id, i / Math.max(1, row!.length - 1));
  };
  place();
  const neighbours = (id: string, dir: "in" | "out") =>
    graph.edges
      .filter((e) => (dir === "in" ? e.to === id : e.from === id))
      .map((e) => rank.get(dir === "in" ? e.from : e.to)!);
  const mean = (xs: number[], fallback: number) =>
    xs.length === 0 ? fallback : xs.reduce((a, b) => a + b, 0) / xs.length;
  for (let sweep = 0; sweep < 4; sweep++) {
    const dir = sweep % 2 === 0 ? "in" : "out";
    for (const row of dir === "in" ? rows : [...rows].reverse()) {
      row?.sort(
        (a, b) =>
          mean(neighbours(a.node.id, dir), rank.get(a.node.id)!) -
          mean(neighbours(b.node.id, dir), rank.get(b.node.id)!),
      );
      place();
    }
  }
  const width =
    Math.max(
      ...rows.map((row) => (row ?? []).reduce((s, b) => s + b.w, 0) + GAP_X * ((row?.length ?? 1) - 1)),
    ) +
    2 * PAD;
  let y = PAD;
  for (const row of rows) {
    if (!row) continue;
    const used = row.reduce((s, b) => s + b.w, 0) + GAP_X * (row.length - 1);
    let x = (width - used) / 2;
    for (const b of row) {
      b.x = x;
      b.y = y;
      x += b.w + GAP_X;
    }
    y += Math.max(...row.map((b) => b.h)) + GAP_Y;
  }
  const height = y - GAP_Y + PAD;
  const edges = graph.edges.map((e) => {
    const [a, b] = [boxes.get(e.from)!, boxes.get(e.to)!];
    const [x1, y1, x2, y2] = [a.x + a.w / 2, a.y + a.h, b.x + b.w / 2, b.y - 2];
    const my = (y1 + y2) / 2;
    return `<path d="M${x1},${y1} C${x1},${my} ${x2},${my} ${x2},${y2}" fill="none" stroke="#888" marker-end="url(#arrow)"/>`;
  });
  const nodes = [...boxes.values()].map((b) => {
    const fill = b.node.op === "leaf" ? (b.node.requiresGrad ? "#dbeafe" : "#f3f4f6") : "#fff";
    const text = b.lines
      .map(
        (l, i) =>
          `<text x="${b.x + PAD}" y="${b.y + PAD + (i + 0.8) * LINE}"${i === 0 ? ' font-weight="bold"' : ""}>${escapeHtml(l)}</text>`,
      )
      .join("");
    return `<rect x="${b.x}" y="${b.y}" width="${b.w}" height="${b.h}" rx="6" fill="${fill}" stroke="#555"/>${text}`;
  });
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${Math.ceil(width)}" height="${Math.ceil(height)}" viewBox="0 0 ${Math.ceil(width)} ${Math.ceil(height)}" font-family="ui-monospace, SFMono-Regular, Menlo, Consolas, monospace" font-size="11" fill="#1c1e21" style="background:white">
<defs><marker id="arrow" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" markerHeight="7" orient="auto-start-reverse"><path d="M0,0 L10,5 L0,10 z" fill="#888"/></marker></defs>
${edges.join("\n")}
${nodes.join("\n")}
</svg>`;
}
