/**
 * The browser builds of vega and vega-embed, read from node_modules for inlining into a self-contained HTML
 * report (no CDN, no network).
 *
 * The `build/*.min.js` UMD files are not in the packages' `exports`, so they cannot be imported or resolved by
 * name; they sit beside each package's resolved entry point (`vega/build/vega.module.js`,
 * `vega-embed/build/embed.js`). Vega-Lite is not needed in the page: specs are compiled to Vega in Node
 * (`compileToVega`), and vega-embed's UMD build works without a `vegaLite` global as long as it is handed
 * Vega specs.
 */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export interface InlineScripts {
  /** vega.min.js (~520 KB): defines the global `vega`. */
  vega: string;
  /** vega-embed.min.js (~60 KB): defines the global `vegaEmbed`; needs `vega` first. */
  vegaEmbed: string;
}

let cache: InlineScripts | undefined;

/** Reads `<package root>/build/<file>`, the root being the nearest folder above the entry with a package.json. */
function buildFile(pkg: string, file: string): string {
  let dir = dirname(fileURLToPath(import.meta.resolve(pkg)));
  while (!existsSync(join(dir, 'package.json'))) {
    const up = dirname(dir);
    if (up === dir) throw new Error(`cannot find the package folder of ${pkg}`);
    dir = up;
  }
  return readFileSync(join(dir, 'build', file), 'utf8');
}

/** Reads (once per process) the minified UMD builds to inline. */
export function loadInlineScripts(): InlineScripts {
  cache ??= {
    vega: buildFile('vega', 'vega.min.js'),
    vegaEmbed: buildFile('vega-embed', 'vega-embed.min.js'),
  };
  return cache;
}
