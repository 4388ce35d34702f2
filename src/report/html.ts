/**
 * One self-contained HTML report page: inline CSS, a table of contents, sections with prose, tables and
 * interactive charts. No network access at all: vega's and vega-embed's minified builds are inlined (read
 * them with `loadInlineScripts()` from `src/node/scripts.ts`), chart data are inlined in the specs, and a
 * Content-Security-Policy (`default-src 'none'`) forbids every fetch, so a stray URL fails loudly instead of
 * leaking a request. The policy allows no inline code but the page's own: every `<script>` and `<style>`
 * element is listed by its SHA-256 (`cspHash`, computed as the page is written), there is no `'unsafe-inline'`
 * and no `'unsafe-eval'` (charts are parsed with `ast: true` and run by vega's expression interpreter instead
 * of compiled to functions), and the page has no inline event handler or style attribute. vega-embed's and
 * vega-tooltip's own style sheets, which they would insert at run time, are switched off and their few rules
 * are part of the page's style sheet; its actions menu is replaced by buttons of the page (SVG, PNG, CSV).
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
import { collapsedColumns } from './columns.js';
import { cspHash } from './sha256.js';
import { compileToVega } from './vega.js';

/** A select or a checkbox of a chart, bound to one of its Vega signals (see `src/report/charts/convergence.ts`). */
export interface ChartControl {
  /** The Vega signal it sets, e.g. `xField`; controls of the same signal share the page-wide default. */
  signal: string;
  label: string;
  /** A select among these `[value, text]` pairs; absent for a checkbox (a boolean signal). */
  options?: Array<[string, string]>;
  /** The initial value (the one the static SVG/PNG show). */
  value: string | boolean;
}

export interface HtmlChart {
  /** Unique in the page: letters, digits, `-`, `_`, starting with a letter. The container's id is `chart-<id>`. */
  id: string;
  /** A Vega-Lite spec (compiled to Vega when the page is built). */
  spec: object;
  caption?: string;
  /** Browser renderer: 'svg' (default, crisp and selectable) or 'canvas' (faster for many marks). */
  renderer?: 'svg' | 'canvas';
  /** Controls drawn above the chart, each setting one signal of the view. */
  controls?: ChartControl[];
  /** The legend toggles series: a click on an entry adds or removes its value in the array signal `hidden`. */
  legendToggles?: boolean;
  /** Trusted HTML put at the end of the figure (e.g. links to its files). */
  footer?: string;
}

export type Cell = string | number | boolean | null | undefined;

export interface HtmlTableSpec {
  caption?: string;
  headers: string[];
  rows: Cell[][];
  /**
   * Indices of the columns shown while the table is collapsed; the others are one click away. Absent: all
   * columns of a table of at most 7, else `collapsedColumns` of `./columns.ts` (by the table's kind and section).
   */
  keep?: number[];
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

function cellHtml(c: Cell, tag: 'td' | 'th', extra: boolean): string {
  const classes = [...(typeof c === 'number' ? ['num'] : []), ...(extra ? ['col-extra'] : [])];
  const cls = classes.length > 0 ? ` class="${classes.join(' ')}"` : '';
  if (c === null || c === undefined) return `<${tag}${cls}></${tag}>`;
  return `<${tag}${cls}>${escapeHtml(String(c))}</${tag}>`;
}

/**
 * An escaped HTML table. Number cells are right-aligned (class `num`); null and undefined give empty cells.
 * Format numbers before passing them when a fixed precision matters. With `id`, the table gets a bar with a
 * CSV download and, when some columns are left out of `keep`, a button that shows them (the hidden columns
 * have class `col-extra`).
 */
export function htmlTable(headers: string[], rows: Cell[][], caption?: string, id?: string, keep?: number[]): string {
  const shown = new Set(keep ?? headers.map((_, i) => i));
  const extra = headers.length - headers.filter((_, i) => shown.has(i)).length;
  const head = `<thead><tr>${headers.map((h, i) => cellHtml(h, 'th', !shown.has(i))).join('')}</tr></thead>`;
  const body = rows.map((r) => `<tr>${r.map((c, i) => cellHtml(c, 'td', !shown.has(i))).join('')}</tr>`).join('\n');
  const cap = caption !== undefined ? `<caption>${escapeHtml(caption)}</caption>` : '';
  const table = `<table${id !== undefined ? ` id="${id}"` : ''}>${cap}${head}<tbody>\n${body}\n</tbody></table>`;
  if (id === undefined) return `<div class="table-wrap">${table}</div>`;
  const bar = [
    `<button type="button" class="tool" data-csv-table="${id}" title="Download this table as CSV">CSV</button>`,
    ...(extra > 0
      ? [
          `<button type="button" class="tool" data-expand="${id}" aria-expanded="false">Show all ${headers.length} columns (${extra} more)</button>`,
        ]
      : []),
  ].join('');
  return `<div class="table-block${extra > 0 ? ' collapsed' : ''}" data-for="${id}"><div class="table-tools">${bar}</div><div class="table-wrap">${table}</div></div>`;
}

const ID_RE = /^[A-Za-z][A-Za-z0-9_-]*$/;

function checkId(id: string, kind: string, seen: Set<string>): void {
  if (!ID_RE.test(id)) {
    throw new OptlabError(`report ${kind} id ${JSON.stringify(id)} must be letters, digits, '-' or '_'`);
  }
  if (seen.has(id)) throw new OptlabError(`report ${kind} id ${JSON.stringify(id)} is used twice`);
  seen.add(id);
}

/** The rules vega-tooltip would insert at run time (its `disableDefaultStyle` is set), light theme only. */
const TOOLTIP_CSS = `
#vg-tooltip-element{visibility:hidden;padding:8px;position:fixed;z-index:1000;font-family:sans-serif;font-size:11px;border-radius:3px;box-shadow:2px 2px 4px rgba(0,0,0,.1);white-space:pre-line;background-color:rgba(255,255,255,.95);border:1px solid #d9d9d9;color:#000}
#vg-tooltip-element.visible{visibility:visible}
#vg-tooltip-element h2{margin-top:0;margin-bottom:10px;font-size:13px}
#vg-tooltip-element table{border-spacing:0;min-width:0;font-size:11px}
#vg-tooltip-element table tr{border:none;background:none}
#vg-tooltip-element table tr td{overflow:hidden;text-overflow:ellipsis;padding:2px 0;vertical-align:text-top;border:none}
#vg-tooltip-element table tr td.key{color:#808080;max-width:150px;text-align:right;padding-right:4px}
#vg-tooltip-element table tr td.value{display:block;max-width:300px;max-height:7em;text-align:left}
`;

const CSS = `
:root{--fg:#1f2328;--muted:#59636e;--bg:#fff;--panel:#f6f8fa;--line:#d1d9e0;--accent:#0969da}
*{box-sizing:border-box}
html{-webkit-text-size-adjust:100%}
body{margin:0;color:var(--fg);background:var(--bg);font:16px/1.55 system-ui,-apple-system,"Segoe UI",Roboto,"DejaVu Sans",sans-serif;overflow-wrap:break-word}
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
figure{margin:20px 0;padding:12px;border:1px solid var(--line);border-radius:8px;overflow-x:auto;max-width:100%}
figcaption{color:var(--muted);font-size:.92rem;margin-top:6px}
.chart{min-height:60px}
.chart-error{color:#b42318;font-family:ui-monospace,monospace;white-space:pre-wrap}
.figure-files{margin:6px 0 0;font-size:.85rem}
.fig-tools,.table-tools,.page-controls{display:flex;flex-wrap:wrap;gap:6px 14px;align-items:center;font-size:.85rem;margin:0 0 8px}
.fig-tools label,.page-controls label{display:inline-flex;gap:4px;align-items:center;white-space:nowrap}
.fig-tools .downloads{margin-left:auto;display:inline-flex;gap:6px}
select,button.tool{font:inherit;font-size:.85rem;padding:2px 6px;border:1px solid var(--line);border-radius:5px;background:#fff;color:var(--fg)}
button.tool{cursor:pointer;background:var(--panel)}
button.tool:hover{border-color:var(--accent)}
.page-controls{background:var(--panel);border:1px solid var(--line);border-radius:8px;padding:8px 14px;margin:12px 0}
.page-controls strong{font-weight:600}
.table-wrap{overflow-x:auto;margin:0 0 16px;max-width:100%}
.table-block{margin:16px 0}
.table-block.collapsed .col-extra{display:none}
table{border-collapse:collapse;font-size:.92rem;min-width:50%}
caption{text-align:left;color:var(--muted);padding:4px 0;caption-side:top}
th,td{border:1px solid var(--line);padding:4px 10px;text-align:left;vertical-align:top}
th{background:var(--panel);font-weight:600}
td.num,th.num{text-align:right;font-variant-numeric:tabular-nums}
tbody tr:nth-child(even){background:#fbfcfd}
code,pre{font-family:ui-monospace,SFMono-Regular,Menlo,Consolas,"DejaVu Sans Mono",monospace;font-size:.9em}
code{overflow-wrap:anywhere}
pre{background:var(--panel);padding:10px;border-radius:6px;overflow-x:auto}
.vega-embed{display:inline-block;position:relative;max-width:100%}
.vega-embed .vega-bindings{display:none}
@media (max-width:640px){.page{padding:16px 12px 48px}header h1{font-size:1.5rem}nav.toc ol{columns:1}figure{padding:8px}th,td{padding:3px 6px}}
@media print{
  @page{margin:14mm}
  body{font-size:11pt}
  .page{max-width:none;padding:0}
  nav.toc,.fig-tools,.table-tools,.page-controls,.figure-files,#vg-tooltip-element{display:none!important}
  section{break-before:auto;border-top:none}
  h2{break-after:avoid}
  figure{break-inside:avoid;border:none;padding:0;overflow:visible}
  .chart svg,.chart canvas{max-width:100%;height:auto}
  .table-wrap{overflow:visible}
  table{font-size:8pt;break-inside:auto}
  tr{break-inside:avoid}
  a{color:inherit}
}
${TOOLTIP_CSS}`;

/**
 * Boot script: embeds every chart whose Vega spec sits in a `<script type="application/json" data-chart=…>`,
 * with `ast: true` (vega's expression interpreter: no `eval`, no `new Function`), no vega-embed actions menu
 * and no style sheet inserted at run time. Then it wires the page's controls:
 *   - a figure's selects and checkboxes (`[data-signal]`) set that signal of its view;
 *   - the page-wide controls (`.page-controls [data-signal]`) set the same signal in every figure that offers
 *     the value, and the figure's own control follows;
 *   - with `data-legend-toggles`, a click on a legend entry adds or removes its value in the signal `hidden`
 *     (the last visible series cannot be hidden);
 *   - download buttons: SVG and PNG of the view as shown, CSV of a figure's data or of a table's rows.
 * A rendered container gets `data-rendered="1"`; a failure is shown in the container and logged.
 */
const BOOT = `(function(){
  'use strict';
  var views={};
  var embedOpts={mode:'vega',actions:false,ast:true,defaultStyle:false,tooltip:{disableDefaultStyle:true}};
  function each(list,f){Array.prototype.forEach.call(list,f);}
  function controlValue(el){return el.type==='checkbox'?el.checked:el.value;}
  function hasSignal(view,name){try{view.signal(name);return true;}catch(e){return false;}}
  function setSignal(chart,name,value){
    var view=views[chart];
    if(view&&hasSignal(view,name))view.signal(name,value).runAsync();
  }
  function specOf(chart){
    var el=document.querySelector('script[type="application/json"][data-chart="'+chart+'"]');
    return el?JSON.parse(el.textContent):null;
  }
  function csvCell(v){
    if(v===null||v===undefined)return '';
    var s=String(v);
    if(typeof v==='string'&&/^[=+@\\t\\r-]/.test(s))s="'"+s;
    return /[",\\n\\r]/.test(s)?'"'+s.replace(/"/g,'""')+'"':s;
  }
  function csv(header,rows){
    return [header].concat(rows).map(function(r){return r.map(csvCell).join(',');}).join('\\n')+'\\n';
  }
  function save(name,url){
    var a=document.createElement('a');a.href=url;a.download=name;document.body.appendChild(a);a.click();
    document.body.removeChild(a);
  }
  function saveText(name,text,type){
    var url=URL.createObjectURL(new Blob([text],{type:type}));save(name,url);
    setTimeout(function(){URL.revokeObjectURL(url);},1000);
  }
  function figureCsv(chart){
    var spec=specOf(chart);var values=null;
    each((spec&&spec.data)||[],function(d){if(!values&&Array.isArray(d.values))values=d.values;});
    values=values||[];var keys=[];
    values.forEach(function(r){Object.keys(r).forEach(function(k){if(keys.indexOf(k)<0)keys.push(k);});});
    return csv(keys,values.map(function(r){return keys.map(function(k){return r[k];});}));
  }
  function tableCsv(id){
    var t=document.getElementById(id);var rows=[];
    each(t.querySelectorAll('tr'),function(tr){var r=[];each(tr.children,function(c){r.push(c.textContent);});rows.push(r);});
    return csv(rows[0]||[],rows.slice(1));
  }
  document.addEventListener('click',function(ev){
    var b=ev.target&&ev.target.closest?ev.target.closest('button[data-download],button[data-csv-table],button[data-expand]'):null;
    if(!b)return;
    var chart=b.getAttribute('data-chart');var kind=b.getAttribute('data-download');
    if(b.hasAttribute('data-csv-table')){var id=b.getAttribute('data-csv-table');saveText(id+'.csv',tableCsv(id),'text/csv');return;}
    if(b.hasAttribute('data-expand')){
      var block=b.closest('.table-block');var open=block.classList.toggle('collapsed');
      b.setAttribute('aria-expanded',String(!open));
      b.textContent=open?b.getAttribute('data-more'):'Show fewer columns';return;
    }
    var name=chart.replace(/^chart-/,'');
    if(kind==='csv'){saveText(name+'.csv',figureCsv(chart),'text/csv');return;}
    var view=views[chart];if(!view)return;
    view.toImageURL(kind,kind==='png'?2:1).then(function(url){save(name+'.'+kind,url);}).catch(function(e){console.error(e);});
  });
  each(document.querySelectorAll('button[data-expand]'),function(b){b.setAttribute('data-more',b.textContent);});
  each(document.querySelectorAll('.fig-tools [data-signal]'),function(el){
    el.addEventListener('change',function(){setSignal(el.getAttribute('data-chart'),el.getAttribute('data-signal'),controlValue(el));});
  });
  each(document.querySelectorAll('.page-controls [data-signal]'),function(el){
    el.addEventListener('change',function(){
      var name=el.getAttribute('data-signal');var v=controlValue(el);
      each(document.querySelectorAll('.fig-tools [data-signal="'+name+'"]'),function(c){
        if(c.type==='checkbox')c.checked=v;
        else if(c.querySelector('option[value="'+v+'"]'))c.value=v;
        else return;
        setSignal(c.getAttribute('data-chart'),name,v);
      });
    });
  });
  function legendClick(chart){
    return function(ev,item){
      var role=item&&item.mark&&item.mark.role;
      if(!role||role.indexOf('legend')<0||!item.datum||item.datum.value===undefined)return;
      var view=views[chart];var hidden=(view.signal('hidden')||[]).slice();
      var i=hidden.indexOf(item.datum.value);
      if(i<0)hidden.push(item.datum.value);else hidden.splice(i,1);
      var domain=view.scale('color')?view.scale('color').domain():[];
      if(domain.length&&domain.every(function(v){return hidden.indexOf(v)>=0;}))return;
      view.signal('hidden',hidden).runAsync();
    };
  }
  each(document.querySelectorAll('script[type="application/json"][data-chart]'),function(el){
    var chart=el.getAttribute('data-chart');var target=document.getElementById(chart);
    var opts=Object.assign({},embedOpts,{renderer:el.getAttribute('data-renderer')||'svg',downloadFileName:chart});
    try{
      vegaEmbed(target,JSON.parse(el.textContent),opts).then(function(res){
        var view=res.view;views[chart]=view;
        var pending=[];
        each(document.querySelectorAll('.fig-tools [data-chart="'+chart+'"][data-signal]'),function(c){
          var name=c.getAttribute('data-signal');
          if(hasSignal(view,name)&&view.signal(name)!==controlValue(c)){view.signal(name,controlValue(c));pending.push(name);}
        });
        if(target.hasAttribute('data-legend-toggles')&&hasSignal(view,'hidden'))view.addEventListener('click',legendClick(chart));
        return (pending.length?view.runAsync():Promise.resolve()).then(function(){target.setAttribute('data-rendered','1');});
      }).catch(function(err){fail(target,err);});
    }catch(err){fail(target,err);}
  });
  function fail(target,err){
    target.setAttribute('data-error','1');
    var p=document.createElement('p');p.className='chart-error';p.textContent='Chart failed: '+(err&&err.message||err);
    target.appendChild(p);console.error(err);
  }
})();`;

/** The Content-Security-Policy of a page whose only code and style are the given inline elements. */
export function contentSecurityPolicy(scripts: readonly string[], styles: readonly string[]): string {
  return [
    "default-src 'none'",
    `script-src ${scripts.map(cspHash).join(' ')}`,
    `style-src ${styles.map(cspHash).join(' ')}`,
    'img-src data: blob:',
    "base-uri 'none'",
    "form-action 'none'",
  ].join('; ');
}

function controlHtml(chart: string, c: ChartControl): string {
  const attrs = `data-chart="${chart}" data-signal="${escapeHtml(c.signal)}"`;
  if (c.options === undefined) {
    return `<label><input type="checkbox" ${attrs}${c.value === true ? ' checked' : ''}> ${escapeHtml(c.label)}</label>`;
  }
  const opts = c.options
    .map(([v, t]) => `<option value="${escapeHtml(v)}"${v === c.value ? ' selected' : ''}>${escapeHtml(t)}</option>`)
    .join('');
  return `<label>${escapeHtml(c.label)} <select ${attrs}>${opts}</select></label>`;
}

/** The page-wide defaults: one control per signal offered by some figure, with the union of their options. */
function pageControls(charts: readonly HtmlChart[]): string {
  const bySignal = new Map<string, ChartControl>();
  const values = new Map<string, Map<string, number>>();
  for (const ch of charts) {
    for (const c of ch.controls ?? []) {
      const cur = bySignal.get(c.signal);
      const count = values.get(c.signal) ?? new Map<string, number>();
      values.set(c.signal, count);
      count.set(String(c.value), (count.get(String(c.value)) ?? 0) + 1);
      if (!cur) bySignal.set(c.signal, { ...c, ...(c.options ? { options: [...c.options] } : {}) });
      else if (cur.options && c.options) {
        for (const o of c.options) if (!cur.options.some(([v]) => v === o[0])) cur.options.push(o);
      }
    }
  }
  if (bySignal.size === 0) return '';
  const controls = [...bySignal.values()].map((c) => {
    // The default shown is the value most figures start with.
    const common = [...(values.get(c.signal) ?? new Map()).entries()].sort((a, b) => b[1] - a[1])[0]?.[0];
    const value = c.options ? (common ?? c.value) : common === 'true';
    return controlHtml('page', { ...c, value });
  });
  return `<div class="page-controls" role="group" aria-label="Every figure"><strong>Every figure:</strong>${controls.join('')}</div>`;
}

function figureHtml(c: HtmlChart, container: string): string {
  const tools = (c.controls ?? []).map((x) => controlHtml(container, x)).join('');
  const dl = (kind: string, what: string) =>
    `<button type="button" class="tool" data-download="${kind}" data-chart="${container}" title="Download ${what}">${kind.toUpperCase()}</button>`;
  const downloads = `<span class="downloads">${dl('svg', 'the figure as shown, as SVG')}${dl('png', 'the figure as shown, as PNG')}${dl('csv', "the figure's data as CSV")}</span>`;
  return (
    `<figure id="fig-${c.id}"><div class="fig-tools">${tools}${downloads}</div>` +
    `<div class="chart" id="${container}"${c.legendToggles ? ' data-legend-toggles' : ''}></div>` +
    (c.caption !== undefined ? `<figcaption>${escapeHtml(c.caption)}</figcaption>` : '') +
    (c.footer ?? '') +
    `</figure>`
  );
}

/** Builds the complete self-contained page; see the module comment. */
export function renderHtmlPage(page: HtmlPageOptions): string {
  const seen = new Set<string>();
  const toc: string[] = [];
  const body: string[] = [];
  const charts: HtmlChart[] = [];
  let tableNo = 0;
  for (const s of page.sections) {
    checkId(s.id, 'section', seen);
    toc.push(`<li><a href="#${s.id}">${escapeHtml(s.title)}</a></li>`);
    const parts: string[] = [`<section id="${s.id}">`, `<h2>${escapeHtml(s.title)}</h2>`];
    if (s.html !== undefined) parts.push(s.html);
    for (const t of s.tables ?? []) {
      const id = `table-${++tableNo}`;
      parts.push(htmlTable(t.headers, t.rows, t.caption, id, t.keep ?? collapsedColumns(t.headers, t.rows, s.id)));
    }
    for (const c of s.charts ?? []) {
      checkId(c.id, 'chart', seen);
      const vg = compileToVega(c.spec as TopLevelSpec, { onWarn: page.onWarn });
      const container = `chart-${c.id}`;
      const renderer = c.renderer ?? 'svg';
      charts.push(c);
      parts.push(
        figureHtml(c, container),
        `<script type="application/json" data-chart="${container}" data-renderer="${renderer}">${inlineJson(vg)}</script>`,
      );
    }
    parts.push('</section>');
    body.push(parts.join('\n'));
  }
  const title = escapeHtml(page.title);
  const code = [page.scripts.vega, page.scripts.vegaEmbed, BOOT].map(escapeInlineScript);
  return [
    '<!doctype html>',
    '<html lang="en">',
    '<head>',
    '<meta charset="utf-8">',
    `<meta http-equiv="Content-Security-Policy" content="${contentSecurityPolicy(code, [CSS])}">`,
    '<meta name="viewport" content="width=device-width, initial-scale=1">',
    `<title>${title}</title>`,
    `<style>${CSS}</style>`,
    '</head>',
    '<body>',
    '<div class="page">',
    `<header><h1>${title}</h1>${page.subtitle !== undefined ? `<p class="subtitle">${escapeHtml(page.subtitle)}</p>` : ''}</header>`,
    `<nav class="toc"><h2>Contents</h2><ol>${toc.join('')}</ol></nav>`,
    pageControls(charts),
    '<main>',
    ...body,
    '</main>',
    '</div>',
    ...code.map((c) => `<script>${c}</script>`),
    '</body>',
    '</html>',
    '',
  ].join('\n');
}
