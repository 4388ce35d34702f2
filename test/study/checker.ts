/**
 * A checker for study reports: reads report.html and finds sentences that its own tables contradict, foreign
 * dataset names and numbers, and figures that draw nothing. Independent of the study's code: it parses the
 * HTML the user reads.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

export interface ReportSection {
  id: string;
  title: string;
  /** Plain text of the paragraphs, one entry per paragraph, with `code` spans kept as `«label»`. */
  paragraphs: string[];
  tables: Array<{ headers: string[]; rows: string[][] }>;
}

const unescapeHtml = (s: string) =>
  s
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'")
    .replace(/&amp;/g, '&');
const strip = (s: string) => unescapeHtml(s.replace(/<code>(.*?)<\/code>/g, '«$1»').replace(/<[^>]+>/g, ''));

/** The sections of a report.html. */
export function parseReport(html: string): ReportSection[] {
  const out: ReportSection[] = [];
  for (const m of html.matchAll(/<section id="([^"]+)"[^>]*>([\s\S]*?)<\/section>/g)) {
    const body = m[2];
    const title = strip(/<h2[^>]*>([\s\S]*?)<\/h2>/.exec(body)?.[1] ?? '');
    const paragraphs = [
      ...body.replace(/<table[\s\S]*?<\/table>/g, '').matchAll(/<p(?:\s[^>]*)?>([\s\S]*?)<\/p>/g),
    ].map((p) => strip(p[1]));
    const tables = [...body.matchAll(/<table[^>]*>([\s\S]*?)<\/table>/g)].map((t) => {
      const headers = [...t[1].matchAll(/<th[^>]*>([\s\S]*?)<\/th>/g)].map((h) => strip(h[1]));
      const rows = [...t[1].matchAll(/<tr[^>]*>([\s\S]*?)<\/tr>/g)]
        .map((r) => [...r[1].matchAll(/<td[^>]*>([\s\S]*?)<\/td>/g)].map((c) => strip(c[1])))
        .filter((r) => r.length > 0);
      return { headers, rows };
    });
    out.push({ id: m[1], title, paragraphs, tables });
  }
  return out;
}

/** Every row of every results table (a `run` and an `F − f*` column), keyed by run label. */
function gapRows(sections: readonly ReportSection[]): Map<string, string[]> {
  const gaps = new Map<string, string[]>();
  for (const s of sections) {
    for (const t of s.tables) {
      const run = t.headers.indexOf('run');
      const gap = t.headers.findIndex((h) => h === 'F − f*' || h === 'final F − f*');
      if (run < 0 || gap < 0) continue;
      for (const r of t.rows) {
        const list = gaps.get(r[run]) ?? [];
        list.push(r[gap]);
        gaps.set(r[run], list);
      }
    }
  }
  return gaps;
}

const methodOf = (label: string) => label.replace(/\[.*$/, '');
const keysOf = (label: string) =>
  (/\[(.*)\]/.exec(label)?.[1] ?? '')
    .split(',')
    .map((kv) => kv.split('=')[0])
    .join(',');

export interface CheckOptions {
  /** The dataset the study ran on: no other registry dataset may be named, nor a9a's shape quoted. */
  dataset: string;
  /** Whether a test set was used. */
  testSet: boolean;
  /** The smooth loss (default sigmoid-lsq): the logistic loss is convex, and the text may not say otherwise. */
  loss?: 'sigmoid-lsq' | 'logistic';
}

/** Problems found in a report: an empty list means no sentence contradicts the tables. */
export function checkReport(html: string, opts: CheckOptions): string[] {
  const problems: string[] = [];
  const sections = parseReport(html);
  const gaps = gapRows(sections);
  const text = sections.flatMap((s) => s.paragraphs.map((p) => ({ id: s.id, p })));
  for (const { id, p } of text) {
    if (/[=:] NaN\b|NaN%|\bundefined\b|\[object|\bn\/a\b/.test(p))
      problems.push(`${id}: unfilled value in "${p.slice(0, 120)}"`);
    if (opts.dataset !== 'a9a') {
      for (const foreign of ['a9a', '32561', '16281', '123 features']) {
        if (p.includes(foreign)) problems.push(`${id}: foreign "${foreign}" in "${p.slice(0, 160)}"`);
      }
    }
    // «label» (F − f* = v), «label»: v, «label» F − F* = v: the value is the table's
    for (const m of p.matchAll(/«([^»]+)»(?: \(F − f\* = |: | F − F\* = | reaches F − f\* = )([-0-9.e]+)/g)) {
      const label = m[1];
      const v = m[2].replace(/\.$/, '');
      const cells = gaps.get(label);
      if (cells === undefined) problems.push(`${id}: ${label} is quoted but in no results table`);
      else if (!cells.includes(v))
        problems.push(`${id}: ${label} quoted with F − f* = ${v}, tables say ${cells.join(' / ')}`);
    }
    // "best … «label»": no run of the same grid (same method and parameter names) has a lower gap
    for (const m of p.matchAll(/\bbest(?: constant step| step)? is «([^»]+)»|Best: «([^»]+)»|; best «([^»]+)»/g)) {
      const label = m[1] ?? m[2] ?? m[3];
      const mine = Number(gaps.get(label)?.[0]);
      for (const [other, cells] of gaps) {
        if (methodOf(other) !== methodOf(label) || keysOf(other) !== keysOf(label)) continue;
        // the same grid: quoted in the same sentence group, or a row of this section one parameter away
        if (!p.includes(`«${other}»`) && !(sameSection(sections, id, other) && oneApart(label, other))) continue;
        if (Number(cells[0]) < mine)
          problems.push(`${id}: «${label}» called best but «${other}» has ${cells[0]} < ${mine}`);
      }
    }
  }
  const section = (id: string) => sections.find((s) => s.id === id);
  const stops = (id: string) =>
    (section(id)?.tables ?? []).flatMap((t) => {
      const i = t.headers.indexOf('stopped');
      return i < 0 ? [] : t.rows.map((r) => r[i]);
    });
  const q3 = section('q3');
  if (
    q3?.paragraphs.some((p) => p.includes('No step size diverged')) &&
    stops('q3').some((s) => s.includes('diverged'))
  )
    problems.push('q3: "No step size diverged" but a run diverged');
  const q8 = section('q8');
  if (
    q8?.paragraphs.some((p) => /All \d+ runs stay finite/.test(p)) &&
    stops('q8').some((s) => /diverged|saturated|plateau/.test(s))
  )
    problems.push('q8: "all runs stay finite" but a run diverged or stopped flat');
  const q11 = section('q11');
  if (q11) {
    const t = q11.tables[0];
    const g = t.rows.map((r) => Number(r[t.headers.indexOf('final F − f*')]));
    const monotone = g.every((v, i) => i === 0 || v <= g[i - 1] * (1 + 1e-2) || v <= 1e-14);
    const says = q11.paragraphs.join(' ');
    if (says.includes('Each larger memory reaches a lower') && !monotone)
      problems.push('q11: claims monotone memory, table is not');
    if (/any memory helps/.test(says)) problems.push('q11: "any memory helps" is not a measured statement');
  }
  const conclusions = section('conclusions');
  if (!conclusions) problems.push('no conclusions section');
  else {
    const t = conclusions.tables[0];
    for (const r of t.rows) {
      if (!['confirmed', 'refined', 'contradicted'].includes(r[2]))
        problems.push(`conclusion ${r[0]}: verdict ${r[2]}`);
      if (!(r[3]?.length > 10) || !(r[4]?.length > 10)) problems.push(`conclusion ${r[0]}: no criterion or evidence`);
    }
  }
  const landscape = section('landscape');
  if (!landscape) problems.push('no landscape section');
  else if (!landscape.paragraphs.some((p) => p.includes('best value found by all runs and all starts')))
    problems.push('landscape: f* is not defined as the best value of all runs and starts');
  if (landscape) problems.push(...checkLandscape(landscape, opts));
  if (q11) {
    const t = q11.tables[0];
    const g = t.rows.map((r) => Number(r[t.headers.indexOf('final F − f*')]));
    // gaps at round-off (≤ 1e-14) are ties: one unit in the last place of F is not "worse"
    const monotone = g.every((v, i) => i === 0 || v <= g[i - 1] * (1 + 1e-2) || v <= 1e-14);
    if (q11.paragraphs.join(' ').includes('A larger memory is not always better') && monotone)
      problems.push('q11: says a larger memory is not always better, but the table is monotone (round-off ties)');
  }
  const all = sections.flatMap((x) => x.paragraphs).join(' ');
  const product = /(\d+) runs: (\d+) parametrized methods × (\d+) seeds?/.exec(all);
  if (product && Number(product[1]) !== Number(product[2]) * Number(product[3]))
    problems.push(`summary: "${product[0]}" but ${product[2]} × ${product[3]} ≠ ${product[1]}`);
  if (opts.testSet !== (section('accuracy') !== undefined)) problems.push('accuracy section present iff a test set');
  return problems;
}

/**
 * The landscape section against its table: f*'s holder (a landscape start or a run), value − f* with the
 * stated f*, and convexity (the logistic loss is convex: no "not convex", no saddle).
 */
function checkLandscape(l: ReportSection, opts: CheckOptions): string[] {
  const problems: string[] = [];
  const says = l.paragraphs.join(' ');
  if (opts.loss === 'logistic' && /The loss is not convex|saddle/.test(says))
    problems.push('landscape: the logistic loss is convex, but the text says "not convex" or names a saddle');
  const t = l.tables.find((x) => x.headers.includes('value − f*'));
  const fStar = Number(/smooth problem is ([-\d.e]+):/.exec(says)?.[1]);
  if (t === undefined || !Number.isFinite(fStar)) return [...problems, 'landscape: no points table or no stated f*'];
  const [value, gap, starts] = ['value', 'value − f*', 'starts'].map((h) => t.headers.indexOf(h));
  for (const r of t.rows) {
    const want = Number(r[value]) - fStar;
    const got = Number(r[gap]);
    if (!(Math.abs(got - want) <= 1e-2 * Math.abs(want) + 2e-10 * Math.max(1, Math.abs(fStar))))
      problems.push(`landscape ${r[0]}: value − f* ${r[gap]}, but value ${r[value]} − f* ${fStar} = ${want}`);
  }
  const first = t.rows[0]?.[starts] ?? '';
  if (says.includes('(reached by a landscape start)') && !first.includes('randn#'))
    problems.push(`landscape: f* "reached by a landscape start", but point #1 was reached by ${first}`);
  if (
    says.includes('(reached by a run of the study)') &&
    !/[(,] ?(?!randn#)[^,()]* from /.test(first) &&
    !says.includes('f* lies below every mapped stationary point')
  )
    problems.push(`landscape: f* "reached by a run of the study", but point #1 (${first}) holds no run of it`);
  return problems;
}

/** Whether two labels of the same method and keys differ in exactly one parameter value. */
function oneApart(a: string, b: string): boolean {
  const kv = (l: string) => (/\[(.*)\]/.exec(l)?.[1] ?? '').split(',');
  const x = kv(a);
  const y = kv(b);
  return x.filter((v, i) => v !== y[i]).length === 1;
}

function sameSection(sections: readonly ReportSection[], id: string, label: string): boolean {
  const s = sections.find((x) => x.id === id);
  return (s?.tables ?? []).some((t) => t.rows.some((r) => r[0] === label));
}

/**
 * Problems with the figures of a results folder: every SVG must draw its data (some data mark with a path of
 * non-zero extent) and hold no NaN.
 */
export function checkFigures(dir: string): string[] {
  const problems: string[] = [];
  const files = readdirSync(join(dir, 'figures')).filter((f) => f.endsWith('.svg'));
  if (files.length === 0) problems.push('no figure');
  for (const f of files) {
    const svg = readFileSync(join(dir, 'figures', f), 'utf8');
    if (/ (?:d|transform|x|y|x1|y1|x2|y2|width|height)="[^"]*NaN/.test(svg)) problems.push(`${f}: NaN in a mark`);
    let drawn = 0;
    for (const g of svg.matchAll(
      /<g class="mark-(line|rect|symbol|area|rule|text)[^"]*role-mark[^"]*"[^>]*>([\s\S]*?)<\/g>/g,
    )) {
      const solid = g[1] === 'rect' || g[1] === 'area';
      for (const d of g[2].matchAll(/ d="([^"]+)"/g)) {
        const b = pathBox(d[1]);
        if (solid ? b.w > 0 && b.h > 0 : b.w > 0 || b.h > 0) drawn++;
      }
    }
    if (drawn === 0) problems.push(`${f}: no data mark with non-zero extent (bars need width and height)`);
  }
  return problems;
}

/** Width and height of an SVG path's points (M, L, H, V, C, A and Z, absolute or relative; end points only). */
export function pathBox(d: string): { w: number; h: number } {
  const tokens = d.match(/[a-zA-Z]|-?\d*\.?\d+(?:e[-+]?\d+)?/g) ?? [];
  let x = 0;
  let y = 0;
  let cmd = 'M';
  const xs: number[] = [];
  const ys: number[] = [];
  const arity: Record<string, number> = { M: 2, L: 2, H: 1, V: 1, C: 6, S: 4, Q: 4, T: 2, A: 7, Z: 0 };
  let i = 0;
  while (i < tokens.length) {
    if (/[a-zA-Z]/.test(tokens[i])) cmd = tokens[i++];
    const up = cmd.toUpperCase();
    const n = arity[up] ?? 0;
    if (n === 0) continue;
    const a = tokens.slice(i, i + n).map(Number);
    i += n;
    const rel = cmd !== up;
    if (up === 'H') x = rel ? x + a[0] : a[0];
    else if (up === 'V') y = rel ? y + a[0] : a[0];
    else {
      x = rel ? x + a[n - 2] : a[n - 2];
      y = rel ? y + a[n - 1] : a[n - 1];
    }
    xs.push(x);
    ys.push(y);
    if (up === 'M') cmd = rel ? 'l' : 'L';
  }
  if (xs.length === 0) return { w: 0, h: 0 };
  return { w: Math.max(...xs) - Math.min(...xs), h: Math.max(...ys) - Math.min(...ys) };
}
