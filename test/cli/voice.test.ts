/**
 * The CLI's voice as a demanding user meets it: every mistake one `optlab: ...` line on stderr with "did
 * you mean" where a near word exists, nothing on stdout, exit 2; examples and the exit codes in every --help,
 * the README's exit codes the same as --help's and as the CLI's behaviour.
 */
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import type { Command } from 'commander';
import { buildProgram, COMMANDS, EXIT_CODES, main } from '../../src/cli/program.js';
import { CLI_ARGS, optlab } from '../helpers/cli.js';

const tmp = () => mkdtempSync(join(tmpdir(), 'optlab-voice-'));

/** A 300-row, 10-feature LIBSVM file. */
function dataFile(dir: string): string {
  const lines = Array.from({ length: 300 }, (_, i) => `${i % 2 ? 1 : -1} ${1 + (i % 10)}:1 ${1 + ((i * 7) % 10)}:0.5`);
  // each row's indices sorted and distinct
  const rows = lines.map((l) => {
    const [y, ...f] = l.split(' ');
    const cols = new Map(f.map((t) => t.split(':') as [string, string]));
    return `${y} ${[...cols]
      .sort((a, b) => Number(a[0]) - Number(b[0]))
      .map(([c, v]) => `${c}:${v}`)
      .join(' ')}`;
  });
  const p = join(dir, 'd.svm');
  writeFileSync(p, `${rows.join('\n')}\n`);
  return p;
}

/**
 * `optlab ARGS` in this process (the program the executable runs, without a process start per case): exit
 * code and what it wrote.
 */
async function cli(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  const { stdout: out, stderr: err } = process;
  const [writeOut, writeErr] = [out.write, err.write];
  const saved = process.exitCode;
  let stdout = '';
  let stderr = '';
  // the CLI writes strings; node:test's own reports to its parent (binary, on stdout) pass through
  out.write = ((chunk: string | Uint8Array, ...rest: unknown[]) => {
    if (typeof chunk !== 'string') return (writeOut as (...a: unknown[]) => boolean).call(out, chunk, ...rest);
    stdout += chunk;
    return true;
  }) as typeof out.write;
  err.write = ((chunk: string) => {
    stderr += chunk;
    return true;
  }) as typeof err.write;
  process.exitCode = undefined;
  try {
    const code = await main(['node', 'optlab', ...args]);
    return { code, stdout, stderr };
  } finally {
    out.write = writeOut;
    err.write = writeErr;
    process.exitCode = saved;
  }
}

/** One error line, exit 2, nothing on stdout. */
async function oneLine(args: string[], line: string | RegExp): Promise<void> {
  const r = await cli(args);
  assert.equal(r.code, 2, `${args.join(' ')}: ${r.stderr}`);
  assert.equal(r.stdout, '', args.join(' '));
  assert.equal(r.stderr.split('\n').length, 2, `one line: ${r.stderr}`);
  if (typeof line === 'string') assert.equal(r.stderr, `${line}\n`);
  else assert.match(r.stderr, line);
}

describe('the CLI voice: mistakes', () => {
  it('the executable speaks the same: one line, exit 2, empty stdout', () => {
    const r = optlab(['rn']);
    assert.deepEqual(r, {
      code: 2,
      stdout: '',
      stderr: "optlab: unknown command 'rn' (did you mean 'run'?); see 'optlab --help'\n",
    });
  });

  it('unknown commands: did you mean, case and help included; no command is a usage error', async () => {
    await oneLine(['rn'], "optlab: unknown command 'rn' (did you mean 'run'?); see 'optlab --help'");
    await oneLine(['RUN', '--data', 'x'], "optlab: unknown command 'RUN' (did you mean 'run'?); see 'optlab --help'");
    await oneLine(['help', 'sweeep'], "optlab: unknown command 'sweeep' (did you mean 'sweep'?); see 'optlab --help'");
    await oneLine(['help', 'nope'], "optlab: unknown command 'nope'; see 'optlab --help'");
    const none = await cli([]);
    assert.equal(none.code, 2);
    assert.equal(none.stdout, '');
    assert.match(none.stderr, /^Usage: optlab \[options\] \[command\]/);
  });

  it('boolean flags take no value, written either way', async () => {
    const take = "(write --nesterov or --no-nesterov); see 'optlab run --help'";
    await oneLine(
      ['run', '--data', 'x', '--method', 'sgd', '--nesterov', 'true'],
      `optlab: --nesterov takes no value, got 'true' ${take}`,
    );
    await oneLine(
      ['run', '--data', 'x', '--method', 'sgd', '--no-nesterov', 'false'],
      `optlab: --no-nesterov takes no value, got 'false' ${take}`,
    );
    await oneLine(
      ['run', '--data', 'x', '--method', 'sgd', '--nesterov=true'],
      `optlab: --nesterov takes no value, got 'true' in '--nesterov=true' ${take}`,
    );
  });

  it('bad numbers: hexadecimal, blank, non-integer seeds; the rule and the flag named', async () => {
    const run = ['run', '--data', 'x', '--method', 'gd'];
    const see = "; see 'optlab run --help'";
    await oneLine([...run, '--step', '0x10'], `optlab: --step: expected a positive number, got '0x10'${see}`);
    await oneLine([...run, '--step', ''], `optlab: --step: expected a positive number, got ''${see}`);
    await oneLine([...run, '--step', '1e400'], `optlab: --step: expected a positive number, got '1e400'${see}`);
    await oneLine([...run, '--max-iter', '1.5'], `optlab: --max-iter: expected a positive integer, got '1.5'${see}`);
    await oneLine([...run, '--seed', '-1'], `optlab: --seed: expected an integer >= 0, got '-1'${see}`);
    await oneLine([...run, '--seed', '1.5'], `optlab: --seed: expected an integer >= 0, got '1.5'${see}`);
    await oneLine(
      ['import', 'dir', 'f.csv', '--method', 'm', '--lambda', '-1'],
      "optlab: --lambda: expected a number >= 0, got '-1'; see 'optlab import --help'",
    );
  });

  it('mistyped values and options, extra arguments, missing values', async () => {
    await oneLine(
      ['run', '--data', 'x', '--method', 'lbgfs'],
      /^optlab: --method: 'lbgfs' is not one of gd, .*, lbfgs \(did you mean 'lbfgs'\?\); see 'optlab run --help'\n$/,
    );
    await oneLine(
      ['run', '--methd', 'lbfgs'],
      "optlab: unknown option '--methd' (did you mean '--method'?); see 'optlab run --help'",
    );
    await oneLine(
      ['report', 'a', 'b'],
      "optlab: too many arguments: 'optlab report' takes <dir>, and 'b' is extra; see 'optlab report --help'",
    );
    await oneLine(
      ['methods', 'x', 'y'],
      "optlab: too many arguments: 'optlab methods' takes no arguments, and 'x', 'y' are extra; see 'optlab methods --help'",
    );
    await oneLine(['run', '--data'], "optlab: option '--data <name|file>' argument missing; see 'optlab run --help'");
    await oneLine(['sweep'], "optlab: missing required argument 'file'; see 'optlab sweep --help'");
  });

  it('missing files name the file', async () => {
    await oneLine(
      ['run', '--data', '/no/such.svm', '--method', 'gd'],
      /^optlab: cannot read \/no\/such\.svm: no such file/,
    );
    await oneLine(['sweep', '/no/such.yaml'], 'optlab: cannot read /no/such.yaml: no such file\n'.trimEnd());
    await oneLine(['report', '/no/such'], 'optlab: cannot read results folder /no/such: no such folder');
  });
});

describe('the CLI voice: help and exit codes', () => {
  /** What `optlab NAME --help` prints, in process. */
  async function helpOf(name: string): Promise<string> {
    const program = await buildProgram(['node', 'optlab', name, '--help']);
    const cmd = program.commands.find((c: Command) => c.name() === name)!;
    let text = '';
    cmd.configureOutput({ writeOut: (s) => (text += s) });
    cmd.outputHelp();
    return text;
  }

  it('every command has examples of itself and the exit codes in its --help', async () => {
    for (const { name } of COMMANDS) {
      const text = await helpOf(name);
      assert.match(text, new RegExp(`^Usage: optlab ${name} `), name);
      assert.match(text, new RegExp(`\\nExamples:\\n( {2}\\$ optlab ${name}( .*)?\\n)+`), name);
      assert.ok(text.includes(EXIT_CODES), name);
    }
  });

  it("optlab help run prints run's help on stdout, exit 0", async () => {
    const r = await cli(['help', 'run']);
    assert.equal(r.code, 0);
    assert.equal(r.stderr, '');
    assert.match(r.stdout, /^Usage: optlab run \[options\]/);
    assert.ok(r.stdout.includes(EXIT_CODES));
  });

  it("the README's exit codes are --help's", () => {
    const readme = readFileSync('README.md', 'utf8').replace(/\s+/g, ' ');
    const at = readme.indexOf('Exit status: ');
    assert.ok(at >= 0, 'the README states the exit status');
    const stated = readme.slice(at, readme.indexOf('stdout carries only results', at));
    const codes = (text: string) =>
      [...text.matchAll(/\b(\d+) (?:success|a |an |interrupted)/g)].map((m) => Number(m[1]));
    assert.deepEqual(
      codes(stated).sort((a, b) => a - b),
      [0, 1, 2, 70, 74, 130],
    );
    assert.deepEqual(
      codes(EXIT_CODES).sort((a, b) => a - b),
      [0, 1, 2, 70, 74, 130],
    );
  });

  it('Ctrl-C on a run: it stops with reason interrupted, prints its result and exits 130', async () => {
    const dir = tmp();
    const args = ['run', '--data', dataFile(dir), '--method', 'gd', '--max-iter', '100000000', '--tol', '0'];
    const child = spawn(process.execPath, [...CLI_ARGS, ...args], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (b) => (stdout += b));
    child.stderr.on('data', (b) => {
      stderr += b;
      // the first progress line: the run is under way
      if (/^gd: \d+% /m.test(stderr) && !child.killed) child.kill('SIGINT');
    });
    const code = await new Promise<number | null>((done) => child.on('exit', (c) => done(c)));
    assert.equal(code, 130, stderr);
    assert.match(stdout, /^stopped {4}interrupted: /m);
  });

  it('optlab ... | head: the reader gone, it stops quietly with no EPIPE trace', async () => {
    const dir = tmp();
    const cli = [process.execPath, ...CLI_ARGS].join(' ');
    // --json with 3000 trace points is far more than a pipe holds, so the write meets the closed pipe
    const r = spawnSync(
      'bash',
      [
        '-c',
        `set -o pipefail; ${cli} run --data ${dataFile(dir)} --method gd --max-iter 3000 --tol 0 --json --quiet | head -c 1 >/dev/null`,
      ],
      { encoding: 'utf8' },
    );
    assert.equal(r.stderr, '');
    assert.equal(r.status, 0);
  });
});
