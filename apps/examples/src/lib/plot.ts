import * as Plot from "@observablehq/plot";
import { parseHTML } from "linkedom";

/** Where a figure will be read: a desktop column (640 px) or a phone (360 px). */
export type Screen = "desktop" | "phone";

const WIDTH: Record<Screen, number> = { desktop: 640, phone: 360 };

/**
 * Renders Observable Plot options to an SVG (or, with a legend, a small HTML figure) in Node
 * through linkedom's DOM. The phone version is laid out again at 360 px, so its ticks and labels
 * stay legible instead of being scaled down.
 */
export function renderPlot(options: Plot.PlotOptions, screen: Screen): string {
  const { document } = parseHTML("<!doctype html><html><body></body></html>");
  const width = WIDTH[screen];
  const height =
    options.height === undefined ? undefined : Math.round(options.height * (screen === "phone" ? 0.8 : 1));
  const el = Plot.plot({
    ...options,
    document,
    width,
    ...(height === undefined ? {} : { height }),
    style: { fontSize: screen === "phone" ? "11px" : "12px", background: "white", overflow: "visible" },
  } as Plot.PlotOptions);
  for (const svg of [el, ...Array.from(el.querySelectorAll("svg"))])
    if (svg.tagName.toLowerCase() === "svg") svg.setAttribute("xmlns", "http://www.w3.org/2000/svg");
  return el.outerHTML;
}

/**
 * The plot's own `<svg>` of a rendered figure, as a standalone file: in a figure with a legend it
 * is the last one (the legend's swatches, small svgs of their own, are HTML and dropped).
 */
export function svgOnly(html: string): string {
  const starts = [...html.matchAll(/<svg\b[^>]*\bclass="plot-/g)];
  const start = starts.at(-1)?.index ?? html.indexOf("<svg");
  const end = html.lastIndexOf("</svg>");
  return start < 0 || end < 0 ? html : html.slice(start, end + "</svg>".length);
}
