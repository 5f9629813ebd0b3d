/** The gallery's stylesheet: one readable column, figures that fit a phone, code that scrolls. */
export const STYLE = `
:root { --fg: #1c1e21; --muted: #5c6370; --line: #e3e5e8; --accent: #2563eb; --ok: #15803d; --bad: #b91c1c; --code-bg: #f6f8fa; }
* { box-sizing: border-box; }
html { -webkit-text-size-adjust: 100%; }
body { margin: 0; color: var(--fg); background: #fff; font: 17px/1.6 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; }
main { display: grid; grid-template-columns: 1fr min(46rem, 100%) 1fr; padding: 1rem 1.25rem 2rem; }
main > * { grid-column: 2; min-width: 0; }
main > pre.code, main > pre.out, main > figure.wide { grid-column: 1 / -1; justify-self: center; width: 100%; max-width: 60rem; }
main.index { display: block; max-width: 72rem; margin: 0 auto; }
a { color: var(--accent); text-decoration: none; }
a:hover { text-decoration: underline; }
h1 { font-size: 1.75rem; line-height: 1.25; margin: 1rem 0 0.75rem; }
h2 { font-size: 1.2rem; margin: 2rem 0 0.5rem; }
.num { display: inline-block; min-width: 1.6em; padding: 0 0.3em; margin-right: 0.25em; border-radius: 0.3em;
  background: var(--accent); color: #fff; font-size: 0.8em; text-align: center; vertical-align: 0.1em; }
.idea { font-size: 1.05rem; }
code { font: 0.88em/1.5 ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; background: var(--code-bg);
  padding: 0.05em 0.3em; border-radius: 0.25em; }
pre { margin: 0.5rem 0 1rem; padding: 0.8rem 1rem; background: var(--code-bg); border: 1px solid var(--line);
  border-radius: 0.4rem; overflow-x: auto; font: 13px/1.5 ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; }
pre code { background: none; padding: 0; font: inherit; }
pre .c { color: #6a737d; font-style: italic; } pre .s { color: #0a7b33; } pre .n { color: #a34700; } pre .k { color: #8a2be2; }
pre.out .ok { color: var(--ok); } pre.out .bad { color: var(--bad); font-weight: 600; }
.formula { overflow-x: auto; overflow-y: hidden; padding: 0.25rem 0; }
.katex-display { margin: 0.75rem 0; }
ul.claims { list-style: none; padding: 0.6rem 0.9rem; margin: 1rem 0; border-left: 4px solid var(--ok); background: #f0fdf4; border-radius: 0 0.4rem 0.4rem 0; }
ul.claims li { margin: 0.2rem 0; padding-left: 1.4em; text-indent: -1.4em; }
ul.claims li.bad { color: var(--bad); }
ul.claims .mark { font-weight: 700; color: var(--ok); }
ul.claims li.bad .mark { color: var(--bad); }
.detail { color: var(--muted); font-size: 0.9em; }
figure { margin: 1.5rem 0; }
figure svg { display: block; max-width: 100%; height: auto; margin: 0 auto; }
figure.wide > div { overflow-x: auto; }
figure.wide svg { max-width: none; }
figcaption { color: var(--muted); font-size: 0.92rem; margin-top: 0.4rem; }
figure .phone { display: none; }
.files, .run, .meta { color: var(--muted); font-size: 0.92rem; }
nav.top { max-width: 46rem; margin: 0 auto; padding: 0.75rem 1.25rem 0; font-size: 0.95rem; }
nav.pager { max-width: 46rem; margin: 0 auto; padding: 0 1.25rem 2rem; display: flex; justify-content: space-between; gap: 1rem; font-size: 0.95rem; }
nav.pager a[rel=next] { text-align: right; margin-left: auto; }
ol.cards { list-style: none; padding: 0; display: grid; grid-template-columns: repeat(auto-fill, minmax(min(100%, 20rem), 1fr)); gap: 1rem; }
.card a { display: block; height: 100%; padding: 0.9rem 1rem; border: 1px solid var(--line); border-radius: 0.6rem; color: inherit; }
.card a:hover { border-color: var(--accent); text-decoration: none; }
.card img { display: block; width: 100%; height: 11rem; object-fit: contain; margin-bottom: 0.5rem; }
.card h2 { font-size: 1.05rem; margin: 0 0 0.3rem; }
.card p { margin: 0.3rem 0; font-size: 0.93rem; color: var(--muted); }
.card .status.ok { color: var(--ok); } .card .status.bad { color: var(--bad); }
@media (max-width: 600px) {
  body { font-size: 16px; }
  main { padding: 0.5rem 0.9rem 1.5rem; }
  h1 { font-size: 1.4rem; }
  figure .desktop { display: none; }
  figure .phone { display: block; }
  pre { font-size: 12px; padding: 0.6rem 0.7rem; }
  nav.pager { flex-direction: column; }
}
`;
