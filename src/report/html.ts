/**
 * One self-contained HTML report page: inline CSS, a table of contents, sections with prose, tables and
 * interactive charts. No network access at all: vega's and vega-embed's minified builds are inlined (read
 * them with `loadInlineScripts()` from `src/node/scripts.ts`), chart data are inlined in the specs, and a
 * Content-Security-Policy (`default-src 'none'`) forbids every fetch, so a stray URL fails loudly instead of
 * leaking a request. Vega needs `'unsafe-eval'` (its expressions compile to functions).
 *
 * Each chart's Vega-Lite spec is compiled to Vega here (`compileToVega`), so the page does not need the
 * vega-lite build (~250 KB): vega-embed's UMD build runs without a `vegaLite` global when given Vega specs
 * (`mode: 'vega'`). A page with two charts weighs ~0.6 MB, almost all of it vega.
 *
 * Escaping: inlined code gets `</script` → `<\/script` and `<!--` → `<\!--` (identical inside JS strings and
 * regexes); inlined JSON gets `<` → `\u003c` (and U+2028/2029 escaped), so no data can close the script
 * element. Text (titles, captions, table cells) is HTML-escaped; `section.html` is trusted markup from the
 * caller and inserted as is.
 *
 * Core-safe: no Node API.
 */
import type { TopLevelSpec } from 'vega-lite';
import { OptlabError } from '../errors.js';
import { compileToVega } from './vega.js';

export interface HtmlChart {
  /** Unique in the page: letters, digits, `-`, `_`, starting with a letter. The container's id is `chart-<id>`. */
  id: string;
  /** A Vega-Lite spec (compiled to Vega when the page is built). */
  spec: object;
  caption?: string;
  /** Browser renderer: 'svg' (default, crisp and selectable) or 'canvas' (faster for many marks). */
  renderer?: 'svg' | 'canvas';
}

export type Cell = string | number | boolean | null | undefined;

export interface HtmlTableSpec {
  caption?: string;
  headers: string[];
  rows: Cell[][];
}

export interface HtmlSection {
  /** Unique in the page, same rule as chart ids; the anchor of the table of contents. */
  id: string;
  title: string;
  /** Trusted HTML, inserted before the tables and charts. */
  html?: string;
  tables?: HtmlTableSpec[];
  charts?: HtmlChart[];
}

export interface HtmlPageOptions {
  title: string;
  /** A line under the title (escaped), e.g. the date and the optlab version. */
  subtitle?: string;
  sections: HtmlSection[];
  /** Minified UMD builds to inline; see `loadInlineScripts()`. */
  scripts: { vega: string; vegaEmbed: string };
  /** Receives Vega-Lite's compile warnings. */
  onWarn?: (message: string) => void;
}

const HTML_ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

/** Escapes text for HTML content and quoted attribute values. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => HTML_ESCAPES[c]);
}

/** Makes JavaScript source safe inside `<script>…</script>` (see the module comment). */
export function escapeInlineScript(code: string): string {
  return code.replace(/<\/(script)/gi, '<\\/$1').replace(/<!--/g, '<\\!--');
}

/** JSON text safe inside `<script type="application/json">`: `<`, U+2028 and U+2029 as \u escapes. */
export function inlineJson(value: unknown): string {
  return JSON.stringify(value)
    .replace(/</g, '\\u003c')
    .replace(/\u2028/g, '\\u2028')
    .replace(/\u2029/g, '\\u2029');
}

function cellHtml(c: Cell, tag: 'td' | 'th'): string {
  if (c === null || c === undefined) return `<${tag}></${tag}>`;
  const cls = typeof c === 'number' ? ' class="num"' : '';
  return `<${tag}${cls}>${escapeHtml(String(c))}</${tag}>`;
}

/**
 * An escaped HTML table. Number cells are right-aligned (class `num`); null and undefined give empty cells.
 * Format numbers before passing them when a fixed precision matters.
 */
export function htmlTable(headers: string[], rows: Cell[][], caption?: string): string {
  const head = `<thead><tr>${headers.map((h) => cellHtml(h, 'th')).join('')}</tr></thead>`;
  const body = rows.map((r) => `<tr>${r.map((c) => cellHtml(c, 'td')).join('')}</tr>`).join('\n');
  const cap = caption !== undefined ? `<caption>${escapeHtml(caption)}</caption>` : '';
  return `<div class="table-wrap"><table>${cap}${head}<tbody>\n${body}\n</tbody></table></div>`;
}

const ID_RE = /^[A-Za-z][A-Za-z0-9_-]*$/;

function checkId(id: string, kind: string, seen: Set<string>): void {
  if (!ID_RE.test(id)) {
    throw new OptlabError(`report ${kind} id ${JSON.stringify(id)} must be letters, digits, '-' or '_'`);
  }
  if (seen.has(id)) throw new OptlabError(`report ${kind} id ${JSON.stringify(id)} is used twice`);
  seen.add(id);
}

const CSS = `
:root{--fg:#1f2328;--muted:#59636e;--bg:#fff;--panel:#f6f8fa;--line:#d1d9e0;--accent:#0969da}
*{box-sizing:border-box}
html{-webkit-text-size-adjust:100%}
body{margin:0;color:var(--fg);background:var(--bg);font:16px/1.55 system-ui,-apple-system,"Segoe UI",Roboto,"DejaVu Sans",sans-serif}
.page{max-width:1100px;margin:0 auto;padding:24px 20px 64px}
header h1{font-size:1.9rem;line-height:1.2;margin:0 0 4px}
header .subtitle{color:var(--muted);margin:0}
nav.toc{background:var(--panel);border:1px solid var(--line);border-radius:8px;padding:12px 20px;margin:20px 0 8px}
nav.toc h2{font-size:1rem;margin:0 0 4px}
nav.toc ol{margin:0;padding-left:1.4em;columns:2 260px}
a{color:var(--accent);text-decoration:none}
a:hover{text-decoration:underline}
section{border-top:1px solid var(--line);margin-top:28px;padding-top:8px}
section h2{font-size:1.4rem;margin:12px 0}
figure{margin:20px 0;padding:12px;border:1px solid var(--line);border-radius:8px;overflow-x:auto}
figcaption{color:var(--muted);font-size:.92rem;margin-top:6px}
.chart{min-height:60px}
.chart-error{color:#b42318;font-family:ui-monospace,monospace;white-space:pre-wrap}
.table-wrap{overflow-x:auto;margin:16px 0}
table{border-collapse:collapse;font-size:.92rem;min-width:50%}
caption{text-align:left;color:var(--muted);padding:4px 0;caption-side:top}
th,td{border:1px solid var(--line);padding:4px 10px;text-align:left;vertical-align:top}
th{background:var(--panel);font-weight:600}
td.num,th.num{text-align:right;font-variant-numeric:tabular-nums}
tbody tr:nth-child(even){background:#fbfcfd}
code,pre{font-family:ui-monospace,SFMono-Regular,Menlo,Consolas,"DejaVu Sans Mono",monospace;font-size:.9em}
pre{background:var(--panel);padding:10px;border-radius:6px;overflow-x:auto}
@media (max-width:640px){.page{padding:16px 12px 48px}header h1{font-size:1.5rem}nav.toc ol{columns:1}}
@media print{nav.toc{display:none}figure{break-inside:avoid}}
`;

/**
 * Boot script: embeds every chart whose Vega spec sits in a `<script type="application/json" data-chart=…>`.
 * Export actions (SVG, PNG) only: no source views and no "Open in Vega Editor" (which would post to the web).
 * A rendered container gets `data-rendered="1"`; a failure is shown in the container and logged.
 */
const BOOT = `(function(){
  var actions={export:{svg:true,png:true},source:false,compiled:false,editor:false};
  var specs=document.querySelectorAll('script[type="application/json"][data-chart]');
  Array.prototype.forEach.call(specs,function(el){
    var target=document.getElementById(el.getAttribute('data-chart'));
    var opts={mode:'vega',actions:actions,renderer:el.getAttribute('data-renderer')||'svg',downloadFileName:el.getAttribute('data-chart')};
    try{
      vegaEmbed(target,JSON.parse(el.textContent),opts).then(function(){target.setAttribute('data-rendered','1');})
        .catch(function(err){fail(target,err);});
    }catch(err){fail(target,err);}
  });
  function fail(target,err){
    target.setAttribute('data-error','1');
    var p=document.createElement('p');p.className='chart-error';p.textContent='Chart failed: '+(err&&err.message||err);
    target.appendChild(p);console.error(err);
  }
})();`;

const CSP =
  "default-src 'none'; script-src 'unsafe-inline' 'unsafe-eval'; style-src 'unsafe-inline'; img-src data: blob:";

/** Builds the complete self-contained page; see the module comment. */
export function renderHtmlPage(page: HtmlPageOptions): string {
  const seen = new Set<string>();
  const toc: string[] = [];
  const body: string[] = [];
  for (const s of page.sections) {
    checkId(s.id, 'section', seen);
    toc.push(`<li><a href="#${s.id}">${escapeHtml(s.title)}</a></li>`);
    const parts: string[] = [`<section id="${s.id}">`, `<h2>${escapeHtml(s.title)}</h2>`];
    if (s.html !== undefined) parts.push(s.html);
    for (const t of s.tables ?? []) parts.push(htmlTable(t.headers, t.rows, t.caption));
    for (const c of s.charts ?? []) {
      checkId(c.id, 'chart', seen);
      const vg = compileToVega(c.spec as TopLevelSpec, { onWarn: page.onWarn });
      const container = `chart-${c.id}`;
      const renderer = c.renderer ?? 'svg';
      parts.push(
        `<figure id="fig-${c.id}"><div class="chart" id="${container}"></div>` +
          (c.caption !== undefined ? `<figcaption>${escapeHtml(c.caption)}</figcaption>` : '') +
          `</figure>`,
        `<script type="application/json" data-chart="${container}" data-renderer="${renderer}">${inlineJson(vg)}</script>`,
      );
    }
    parts.push('</section>');
    body.push(parts.join('\n'));
  }
  const title = escapeHtml(page.title);
  return [
    '<!doctype html>',
    '<html lang="en">',
    '<head>',
    '<meta charset="utf-8">',
    `<meta http-equiv="Content-Security-Policy" content="${CSP}">`,
    '<meta name="viewport" content="width=device-width, initial-scale=1">',
    `<title>${title}</title>`,
    `<style>${CSS}</style>`,
    '</head>',
    '<body>',
    '<div class="page">',
    `<header><h1>${title}</h1>${page.subtitle !== undefined ? `<p class="subtitle">${escapeHtml(page.subtitle)}</p>` : ''}</header>`,
    `<nav class="toc"><h2>Contents</h2><ol>${toc.join('')}</ol></nav>`,
    '<main>',
    ...body,
    '</main>',
    '</div>',
    `<script>${escapeInlineScript(page.scripts.vega)}</script>`,
    `<script>${escapeInlineScript(page.scripts.vegaEmbed)}</script>`,
    `<script>${BOOT}</script>`,
    '</body>',
    '</html>',
    '',
  ].join('\n');
}
