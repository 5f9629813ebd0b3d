import katex from "katex";
import { type Figure, passed, type Result } from "../lib/example.js";
import { escapeHtml, highlightTs } from "./highlight.js";

/** One example as the page shows it: its file, the result of its last run and its source. */
export interface PageExample {
  readonly file: string;
  readonly result: Result;
  readonly source: string;
}

const tex = (s: string, displayMode: boolean) =>
  katex.renderToString(s, { displayMode, throwOnError: true, output: "htmlAndMathml" });

/** Plain text with `code` spans and $inline math$ (typeset now, with KaTeX). */
export function prose(text: string): string {
  return text
    .split(/(`[^`]+`|\$[^$]+\$)/)
    .map((part) =>
      part.startsWith("`")
        ? `<code>${escapeHtml(part.slice(1, -1))}</code>`
        : part.startsWith("$")
          ? tex(part.slice(1, -1), false)
          : escapeHtml(part),
    )
    .join("");
}

const head = (title: string) => `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(title)}</title>
<link rel="stylesheet" href="katex/katex.min.css">
<link rel="stylesheet" href="style.css">
</head>
<body>`;

const label = (r: Result) => `${String(r.number).padStart(2, "0")} · ${r.title}`;

function figure(f: Figure): string {
  if (f.phoneSvg === undefined)
    return `<figure id="fig-${f.id}" class="wide"><div>${f.svg}</div><figcaption>${prose(f.caption)}</figcaption></figure>`;
  const body = `<div class="desktop">${f.svg}</div><div class="phone">${f.phoneSvg}</div>`;
  return `<figure id="fig-${f.id}">${body}<figcaption>${prose(f.caption)}</figcaption></figure>`;
}

function output(lines: readonly string[]): string {
  const html = lines.map((l) => {
    const e = escapeHtml(l);
    return l.startsWith("✓")
      ? `<span class="ok">${e}</span>`
      : l.startsWith("✗")
        ? `<span class="bad">${e}</span>`
        : e;
  });
  return `<pre class="out">${html.join("\n")}</pre>`;
}

function claims(r: Result): string {
  const items = r.claims.map(
    (c) =>
      `<li class="${c.ok ? "ok" : "bad"}"><span class="mark">${c.ok ? "✓" : "✗"}</span> ${prose(c.statement)}${
        c.detail ? ` <span class="detail">(${escapeHtml(c.detail)})</span>` : ""
      }</li>`,
  );
  if (r.error) items.push(`<li class="bad"><span class="mark">✗</span> threw: ${escapeHtml(r.error)}</li>`);
  return `<ul class="claims">${items.join("")}</ul>`;
}

const runInfo = (r: Result, built: string) =>
  `${r.small ? "reduced size" : "full size"}, ${r.backend} backend, ${r.seconds.toFixed(1)} s, built ${built}`;

/** One example's page: the idea, the formula, the figures, the code, what it printed, its claims. */
export function examplePage(
  ex: PageExample,
  prev: PageExample | undefined,
  next: PageExample | undefined,
  built: string,
) {
  const r = ex.result;
  const link = (e: PageExample | undefined, rel: string) =>
    e
      ? `<a rel="${rel}" href="${e.file}.html">${rel === "prev" ? "← " : ""}${escapeHtml(label(e.result))}${rel === "next" ? " →" : ""}</a>`
      : "<span></span>";
  const files = Object.keys(r.files).map((n) => `<a href="files/${n}">${escapeHtml(n)}</a>`);
  return `${head(`${label(r)} · nabla calculus gallery`)}
<nav class="top"><a href="index.html">nabla · calculus gallery</a></nav>
<main>
<h1><span class="num">${r.number}</span> ${escapeHtml(r.title)}</h1>
<p class="idea">${prose(r.idea)}</p>
<div class="formula">${tex(r.formula, true)}</div>
${claims(r)}
${r.figures.map(figure).join("\n")}
${files.length > 0 ? `<p class="files">Download: ${files.join(" · ")}</p>` : ""}
<h2>The code</h2>
<p class="run"><code>pnpm example ${escapeHtml(r.name)}</code> runs it (<code>apps/examples/src/examples/${ex.file}.ts</code>).</p>
<pre class="code"><code>${highlightTs(ex.source.trimEnd())}</code></pre>
<h2>What it printed</h2>
${output(r.output)}
<p class="meta">${escapeHtml(runInfo(r, built))}</p>
</main>
<nav class="pager">${link(prev, "prev")}${link(next, "next")}</nav>
</body>
</html>
`;
}

/** The gallery's front page: what it is, how to run it, and a card per example. */
export function indexPage(examples: readonly PageExample[], built: string): string {
  const held = examples.filter((e) => passed(e.result)).length;
  const cards = examples.map(({ file, result: r }) => {
    const fig = r.figures[0];
    const ok = r.claims.filter((c) => c.ok).length;
    const status = passed(r)
      ? `✓ ${ok} claims hold`
      : `✗ ${r.claims.length - ok} of ${r.claims.length} claims fail`;
    return `<li class="card"><a href="${file}.html">
${fig ? `<img src="plots/${file}-${fig.id}.svg" alt="">` : ""}
<h2><span class="num">${r.number}</span> ${escapeHtml(r.title)}</h2>
<p>${prose(r.idea.split(/(?<=\.)\s/)[0]!)}</p>
<p class="status ${passed(r) ? "ok" : "bad"}">${status}</p></a></li>`;
  });
  return `${head("nabla · a calculus gallery")}
<main class="index">
<h1>A calculus gallery</h1>
<p class="idea">Every idea of the calculus behind training a language model, as a short runnable
TypeScript lesson on <a href="https://github.com/nablajs/nabla">nabla</a>: the idea, the formula,
the code, the numbers it prints, a picture, and the claims it checks (an example whose claim fails
exits with an error, so the gallery cannot rot). <code>pnpm examples</code> rebuilds this page;
<code>pnpm example &lt;name&gt;</code> runs one.</p>
<p class="meta">${held} of ${examples.length} examples hold every claim · built ${escapeHtml(built)}</p>
<ol class="cards">
${cards.join("\n")}
</ol>
</main>
</body>
</html>
`;
}
