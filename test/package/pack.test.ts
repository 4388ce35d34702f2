/**
 * The package as a user gets it: `npm pack` (prepack builds dist/ and dist-web/; a build already fresh, such
 * as CI's `npm run build` just before the tests, is reused), installed into an empty
 * project from the npm cache, the README's library examples (extracted from README.md) type-checked under
 * --strict with module nodenext and run, `optlab/core` compiled without @types/node and bundled for the
 * browser with no `node:` import, and the CLI's error voice on mistyped commands, options and values.
 */
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { before, describe, it } from 'node:test';
import { dataDir, findDataFile } from '../helpers/data.js';
import { REPO } from '../helpers/repo.js';
import { ensureWebBuild, mtimes } from '../helpers/web-build.js';

const repo = REPO;
const bin = (name: string) => join(repo, 'node_modules', '.bin', name);
const sh = (cmd: string, args: string[], cwd: string, env: Record<string, string> = {}) =>
  spawnSync(cmd, args, { cwd, encoding: 'utf8', env: { ...process.env, ...env }, timeout: 600_000 });

/** The ```ts blocks of the README's "## Library" section. */
function readmeExamples(): string[] {
  const text = readFileSync(join(repo, 'README.md'), 'utf8');
  const start = text.indexOf('\n## Library\n');
  const end = text.indexOf('\n## ', start + 5);
  assert.ok(start >= 0, 'README has a Library section');
  const section = text.slice(start, end < 0 ? undefined : end);
  return [...section.matchAll(/```ts\n([\s\S]*?)```/g)].map((m) => m[1]);
}

/**
 * prepack's two builds: dist/ (fresh when every file in it is newer than every input: the build empties its
 * folder first, so a whole build is newer than its inputs) and dist-web/ (the same rule, shared with the
 * playground's test through test/helpers/web-build.ts, which builds it once under a lock).
 */
const PREPACK = 'npm run build --silent && vite build --config web/vite.config.ts';
const DIST_INPUTS = [
  'src',
  'scripts/build-wasm.mjs',
  'tsconfig.json',
  'tsconfig.build.json',
  'package.json',
  'package-lock.json',
];

/** Builds what is stale, as prepack would; returns what was reused. */
function buildForPack(): string[] {
  const pkg = JSON.parse(readFileSync(join(repo, 'package.json'), 'utf8'));
  assert.equal(pkg.scripts.prepack, PREPACK, "prepack changed: update the pack test's builds to match it");
  const reused: string[] = [];
  const out = mtimes([join(repo, 'dist')]);
  if (out.files > 0 && out.oldest > mtimes(DIST_INPUTS.map((p) => join(repo, p))).newest) reused.push('dist');
  else {
    const r = sh('npm', ['run', 'build', '--silent'], repo);
    assert.equal(r.status, 0, `npm run build:\n${r.stdout}${r.stderr}`);
  }
  if (ensureWebBuild() === 'reused') reused.push('dist-web');
  return reused;
}

const requireData = process.env.OPTLAB_REQUIRE_DATA === '1';
const haveA9a = findDataFile('a9a') !== undefined;

describe('npm package', () => {
  let project = '';
  let files: string[] = [];

  let reused: string[] = [];

  before(() => {
    const tmp = mkdtempSync(join(tmpdir(), 'optlab-pack-'));
    // prepack's builds, skipping what is fresh (CI's `npm run build` has just built dist/), then the tarball
    reused = buildForPack();
    const packed = sh('npm', ['pack', '--ignore-scripts', '--json', '--pack-destination', tmp], repo);
    assert.equal(packed.status, 0, packed.stderr);
    const info = JSON.parse(packed.stdout.slice(packed.stdout.indexOf('[')))[0] as {
      filename: string;
      files: Array<{ path: string }>;
    };
    files = info.files.map((f) => f.path);
    project = join(tmp, 'project');
    mkdirSync(project);
    writeFileSync(join(project, 'package.json'), '{"name": "pack-check", "private": true, "type": "module"}\n');
    const types = JSON.parse(readFileSync(join(repo, 'node_modules/@types/node/package.json'), 'utf8')).version;
    const inst = sh(
      'npm',
      ['install', '--prefer-offline', '--no-audit', '--no-fund', join(tmp, info.filename), `@types/node@${types}`],
      project,
    );
    assert.equal(inst.status, 0, inst.stderr);
  });

  it('ships what its commands and docs use, and no source map', (t) => {
    t.diagnostic(`reused a fresh build: ${reused.join(', ') || 'none'}`);
    for (const f of [
      'LICENSE',
      'README.md',
      'dist/index.js',
      'dist/core.js',
      'dist/core.d.ts',
      'dist/cli/main.js',
      'dist-web/index.html',
      'examples/sgd-steps.yaml',
      'docs/sweep-format.md',
      'bench/python/bench_scipy.py',
    ])
      assert.ok(files.includes(f), `the tarball has ${f}`);
    assert.deepEqual(
      files.filter((f) => f.endsWith('.map') || f.startsWith('src/') || f.startsWith('test/')),
      [],
    );
    const pkg = JSON.parse(readFileSync(join(project, 'node_modules/optlab/package.json'), 'utf8'));
    assert.ok(pkg.keywords.length > 0 && pkg.homepage && pkg.license === 'MIT');
    assert.deepEqual(Object.keys(pkg.exports), ['.', './core', './package.json']);
  });

  it("the README's examples type-check under --strict, module nodenext, and run", (t) => {
    const examples = readmeExamples();
    assert.ok(examples.length >= 4, `${examples.length} examples`);
    const dir = join(project, 'readme');
    mkdirSync(dir);
    for (const [i, code] of examples.entries()) writeFileSync(join(dir, `example-${i + 1}.ts`), code);
    writeFileSync(
      join(project, 'tsconfig.json'),
      JSON.stringify({
        compilerOptions: {
          strict: true,
          module: 'nodenext',
          moduleResolution: 'nodenext',
          target: 'es2022',
          types: ['node'],
          outDir: 'out',
          // the examples are checked; the dependencies' own .d.ts are their business
          skipLibCheck: true,
        },
        include: ['readme'],
      }),
    );
    const tsc = sh(process.execPath, [join(repo, 'node_modules/typescript/bin/tsc'), '-p', '.'], project);
    assert.equal(tsc.status, 0, tsc.stdout + tsc.stderr);
    if (!haveA9a && !requireData) t.diagnostic('a9a not found: the examples that read it are not run');
    examples.forEach((code, i) => {
      if (code.includes("'a9a'") || code.includes('data: a9a')) {
        if (!haveA9a && !requireData) return;
      }
      const r = sh(process.execPath, [join(project, 'out', `example-${i + 1}.js`)], project, {
        OPTLAB_DATA: dataDir(),
      });
      assert.equal(r.status, 0, `example ${i + 1}:\n${r.stderr}`);
      assert.match(r.stdout, /^true |complete /m, `example ${i + 1} prints its outcome:\n${r.stdout}`);
    });
  });

  it('optlab/core: compiles without @types/node and bundles for the browser with no node: import', () => {
    const dir = join(project, 'core-only');
    mkdirSync(dir);
    writeFileSync(
      join(dir, 'entry.ts'),
      [
        "import { fromDense, minimize, Objective, readSweep } from 'optlab/core';",
        'const X = fromDense([[1, 0], [0, 1], [1, 1]]);',
        "const r = minimize(new Objective(X, new Float64Array([1, 0, 1]), { loss: 'logistic' }), { method: 'lbfgs' });",
        "export const ok: boolean = r.success && readSweep('datasets: [a9a]\\nmethods: [{method: sgd}]', 's.yaml').methods.length === 1;",
      ].join('\n'),
    );
    writeFileSync(
      join(dir, 'tsconfig.json'),
      JSON.stringify({
        // a browser project: the DOM's globals, no Node's (types: [] keeps @types/node out)
        compilerOptions: {
          strict: true,
          module: 'nodenext',
          target: 'es2022',
          lib: ['es2022', 'dom'],
          types: [],
          noEmit: true,
        },
        include: ['entry.ts'],
      }),
    );
    const tsc = sh(process.execPath, [join(repo, 'node_modules/typescript/bin/tsc'), '-p', dir], project);
    assert.equal(tsc.status, 0, tsc.stdout + tsc.stderr);
    const out = join(dir, 'bundle.js');
    const esb = sh(
      bin('esbuild'),
      [
        join(dir, 'entry.ts'),
        '--bundle',
        '--platform=browser',
        '--format=esm',
        `--outfile=${out}`,
        '--log-level=error',
      ],
      project,
    );
    assert.equal(esb.status, 0, esb.stderr);
    const bundle = readFileSync(out, 'utf8');
    assert.doesNotMatch(bundle, /from\s*["']node:|require\(["']node:/);
    assert.ok(bundle.length > 10_000);
  });

  it('the installed CLI speaks one voice: one optlab: line, "did you mean", exit 2', () => {
    const optlab = (...args: string[]) => sh(join(project, 'node_modules/.bin/optlab'), args, project);
    const cases: Array<[string[], RegExp]> = [
      [['rn'], /^optlab: unknown command 'rn' \(did you mean 'run'\?\); see 'optlab --help'\n$/],
      [['run', '--methd', 'lbfgs', '--data', 'a9a'], /^optlab: unknown option '--methd' \(did you mean '--method'\?\)/],
      [
        ['run', '--data', 'a9a', '--method', 'LBFGS'],
        /^optlab: --method: 'LBFGS' is not one of .* \(did you mean 'lbfgs'\?\)/,
      ],
      [
        ['run', '--data', 'a9a', '--method', 'lbfgs', '--memory', '-1'],
        /^optlab: --memory: expected an integer >= 0, got '-1'/,
      ],
      [['run', '--data', 'a9a', '--method', 'sgd', '--nesterov', 'true'], /--nesterov takes no value/],
    ];
    for (const [args, expected] of cases) {
      const r = optlab(...args);
      assert.equal(r.status, 2, `${args.join(' ')}: ${r.stderr}`);
      assert.match(r.stderr, expected);
      assert.equal(r.stderr.trimEnd().split('\n').length, 1, `one line: ${r.stderr}`);
      assert.equal(r.stdout, '');
    }
    assert.equal(
      execFileSync(join(project, 'node_modules/.bin/optlab'), ['--version'], { encoding: 'utf8' }).trim(),
      '0.1.0',
    );
  });
});
