/**
 * Where a path of a sweep file is written: `methods[2].grid.step[0]` → line 14, column 17. The yaml library's
 * `parseDocument` keeps every node's source range, and a `LineCounter` turns an offset into a one-based line
 * and column (columns count UTF-16 code units, as an editor's do for text without astral characters). JSON
 * is YAML's flow syntax, so a JSON sweep file is placed by the same parser.
 *
 * A path that reaches into a key the file does not have (a missing required key) is placed at the deepest
 * node that exists: the mapping the key belongs in.
 */
import {
  type Document,
  isAlias,
  isMap,
  isNode,
  isPair,
  isScalar,
  isSeq,
  LineCounter,
  type Node,
  parseDocument,
} from 'yaml';

/** A one-based line and column in a file's text. */
export interface SourcePosition {
  line: number;
  col: number;
}

/**
 * Places a path: at its key (`onKey`, for a problem about the key itself, such as an unknown key) or at its
 * value. Undefined when the file has no node at all (an empty document).
 */
export type Locator = (path: ReadonlyArray<string | number>, onKey?: boolean) => SourcePosition | undefined;

/** A locator over a parsed document and the line counter it was parsed with. */
export function documentLocator(doc: Document, lines: LineCounter): Locator {
  const at = (node: Node | null | undefined): SourcePosition | undefined => {
    const start = node?.range?.[0];
    return start === undefined ? undefined : lines.linePos(start);
  };
  return (path, onKey = false) => {
    let node: unknown = doc.contents;
    let key: Node | undefined;
    let deepest = node as Node | undefined;
    for (const step of path) {
      if (isAlias(node)) node = node.resolve(doc);
      if (isMap(node)) {
        // the last pair of that key, as JSON.parse keeps the last of duplicate keys (YAML refuses them)
        let pair: (typeof node.items)[number] | undefined;
        for (const p of node.items) if (isPair(p) && isScalar(p.key) && String(p.key.value) === String(step)) pair = p;
        if (pair === undefined) return at(deepest);
        key = isNode(pair.key) ? pair.key : undefined;
        node = pair.value;
      } else if (isSeq(node) && typeof step === 'number') {
        key = undefined;
        node = node.items[step];
        if (node === undefined) return at(deepest);
      } else {
        return at(deepest);
      }
      deepest = isNode(node) ? node : key;
    }
    // a key's problem at the key; a value's at the value, but a block mapping or list (which starts on a
    // later line) at its key, as is a key with no value
    if (key !== undefined && (onKey || !isNode(node) || ((isMap(node) || isSeq(node)) && !node.flow))) {
      return at(key);
    }
    return at(isNode(node) ? node : deepest);
  };
}

/** A locator for a sweep file's text (YAML or JSON); it places what it can of a text with syntax errors. */
export function textLocator(text: string): Locator {
  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines });
  return documentLocator(doc, lines);
}
