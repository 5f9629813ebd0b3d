/** Escapes text for HTML. */
export const escapeHtml = (s: string): string =>
  s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");

const KEYWORDS = new Set(
  (
    "import export from as const let var function return for of in if else new await async type " +
    "interface while do break continue true false null undefined default typeof class extends this throw"
  ).split(" "),
);

// Comments, strings (template literals without nesting), numbers, words: enough for short examples.
const TOKEN =
  /(\/\/[^\n]*|\/\*[\s\S]*?\*\/)|("(?:[^"\\\n]|\\.)*"|'(?:[^'\\\n]|\\.)*'|`(?:[^`\\]|\\.)*`)|(\b\d[\d_]*(?:\.\d+)?(?:e[+-]?\d+)?\b)|([A-Za-z_$][\w$]*)/g;

/** TypeScript source as HTML with spans for comments, strings, numbers and keywords. */
export function highlightTs(source: string): string {
  let out = "";
  let last = 0;
  for (const m of source.matchAll(TOKEN)) {
    out += escapeHtml(source.slice(last, m.index));
    const [text, comment, str, num, word] = m;
    const cls = comment ? "c" : str ? "s" : num ? "n" : word && KEYWORDS.has(word) ? "k" : undefined;
    out += cls ? `<span class="${cls}">${escapeHtml(text)}</span>` : escapeHtml(text);
    last = m.index + text.length;
  }
  return out + escapeHtml(source.slice(last));
}
