import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import {
  arraySpec,
  checkSbatchArgs,
  mergeScript,
  type ScriptOptions,
  shellQuote,
  sweepScript,
} from '../../src/node/slurm-scripts.js';
import { optlab } from '../helpers/cli.js';

const base: ScriptOptions = {
  name: 'optlab-x',
  command: ['/usr/bin/node', '/opt/optlab/dist/cli/main.js'],
  file: '/shared/sweeps/x.yaml',
  out: "/shared/results/it's here",
  cwd: '/home/me',
  count: 8,
  shards: [0, 1, 2, 3, 4, 5, 6, 7],
  jobs: 4,
  parallelism: 3,
  sbatch: ['--partition=short', '--time=00:30:00'],
  reportArgs: ['--no-png'],
  dataDir: '/shared/data',
};

describe('SLURM batch scripts', () => {
  it('collapses task ids into --array ranges', () => {
    assert.equal(arraySpec([0, 1, 2, 3]), '0-3');
    assert.equal(arraySpec([5, 1, 3, 2, 7, 8]), '1-3,5,7-8');
    assert.equal(arraySpec([4]), '4');
  });

  it('quotes for bash', () => {
    assert.equal(shellQuote('/a/b-c.yaml'), '/a/b-c.yaml');
    assert.equal(shellQuote("it's here"), `'it'\\''s here'`);
    const r = spawnSync('bash', ['-c', `printf %s ${shellQuote('a \'b\' $HOME \\ "c"')}`], { encoding: 'utf8' });
    assert.equal(r.stdout, 'a \'b\' $HOME \\ "c"');
  });

  it('writes a job array of shards, throttled, with --cpus-per-task = --jobs, each task resuming its shard', () => {
    const s = sweepScript(base);
    const lines = s.split('\n');
    assert.equal(lines[0], '#!/bin/bash');
    for (const l of [
      '#SBATCH --job-name=optlab-x',
      '#SBATCH --array=0-7%3',
      '#SBATCH --cpus-per-task=4',
      `#SBATCH --output='/shared/results/it'\\''s here/slurm/logs/task-%A_%a.out'`,
      '#SBATCH --chdir=/home/me',
      '#SBATCH --partition=short',
      '#SBATCH --time=00:30:00',
      'export OPTLAB_DATA=/shared/data',
      'OPTLAB=(/usr/bin/node /opt/optlab/dist/cli/main.js)',
      `exec "\${OPTLAB[@]}" sweep /shared/sweeps/x.yaml --out '/shared/results/it'\\''s here' --shard "\${SLURM_ARRAY_TASK_ID}/8" --jobs 4 --resume`,
    ]) {
      assert.ok(lines.includes(l), `missing line: ${l}\n${s}`);
    }
    // a resubmission of some shards only
    assert.match(sweepScript({ ...base, shards: [2, 5, 6], parallelism: undefined }), /^#SBATCH --array=2,5-6$/m);
    const r = spawnSync('bash', ['-n'], { input: s, encoding: 'utf8' });
    assert.equal(r.status, 0, r.stderr);
  });

  it('writes a merge job that merges, then reports, and exits non-zero while runs are missing', () => {
    const s = mergeScript(base);
    assert.match(s, /^#SBATCH --job-name=optlab-x-merge$/m);
    assert.match(s, /^"\$\{OPTLAB\[@\]\}" merge '\/shared\/results\/it'\\''s here'$/m);
    assert.match(s, /report '\/shared\/results\/it'\\''s here' --no-png \|\| status=\$\?; fi$/m);
    assert.match(s, /^exit "\$status"$/m);
    const r = spawnSync('bash', ['-n'], { input: s, encoding: 'utf8' });
    assert.equal(r.status, 0, r.stderr);
    // a study reports only once every run is there
    assert.match(mergeScript({ ...base, reportPartial: false }), /^if \[ "\$status" -le 0 \]; then/m);
  });

  it('runs the merge job script as bash would: exit 1 from merge still writes the report, exit 2 does not', () => {
    const dir = mkdtempSync(join(tmpdir(), 'optlab-slurm-script-'));
    const fake = join(dir, 'fake-optlab');
    writeFileSync(fake, `#!/bin/bash\necho "$@" >> ${dir}/calls\n[ "$1" = merge ] && exit "$MERGE_EXIT"\nexit 0\n`, {
      mode: 0o755,
    });
    const script = mergeScript({ ...base, command: [fake], out: dir, dataDir: undefined });
    for (const [mergeExit, want, calls] of [
      ['0', 0, 2],
      ['1', 1, 2],
      ['2', 2, 1],
    ] as const) {
      const r = spawnSync('bash', ['-c', script], { env: { ...process.env, MERGE_EXIT: mergeExit }, encoding: 'utf8' });
      assert.equal(r.status, want);
      assert.equal(readFileSync(join(dir, 'calls'), 'utf8').trim().split('\n').length, calls);
      rmSync(join(dir, 'calls'));
    }
  });

  it('refuses --sbatch arguments it cannot pass on, and those optlab sets', () => {
    checkSbatchArgs(['--partition=short', '-t', '--qos=low']);
    assert.throws(() => checkSbatchArgs(['short']), /one sbatch option at a time/);
    assert.throws(() => checkSbatchArgs(['--comment=a\nb']), /one sbatch option at a time/);
    assert.throws(() => checkSbatchArgs(['--array=0-3']), /optlab sets this option itself/);
    assert.throws(() => checkSbatchArgs(['--cpus-per-task=2']), /optlab sets this option itself/);
  });
});

describe('optlab sweep --slurm flags (no cluster needed)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'optlab-slurm-cli-'));
  writeFileSync(join(dir, 'train.svm'), '+1 1:1 2:1\n-1 1:-1 3:1\n+1 2:1 3:0.5\n-1 1:0.2 2:-1\n');
  const file = join(dir, 'sweep.yaml');
  writeFileSync(
    file,
    'datasets: [train.svm]\nseeds: [0, 1]\nmethods:\n  - {method: gd, grid: {step: [0.5, 1]}, budgets: {maxIter: 5}}\n',
  );

  it('--dry-run prints both scripts and the sbatch commands, writes and submits nothing', () => {
    const out = join(dir, 'out');
    const r = optlab(['sweep', file, '--out', out, '--slurm', '--tasks', '3', '--jobs', '2', '--dry-run'], {
      PATH: '/nonexistent',
    });
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /^#SBATCH --array=0-2$/m);
    assert.match(r.stdout, /^#SBATCH --cpus-per-task=2$/m);
    assert.match(r.stdout, /--shard "\$\{SLURM_ARRAY_TASK_ID\}\/3" --jobs 2 --resume$/m);
    assert.match(r.stdout, /4 of 4 runs to run, in 3 of 3 shards; would submit:/);
    assert.match(r.stdout, /sbatch --parsable --dependency=afterany:<array job> .*merge\.sbatch/);
    assert.equal(existsSync(out), false);
  });

  it('says clearly when sbatch is missing, and when flags do not fit', () => {
    const out = join(dir, 'out2');
    const r = optlab(['sweep', file, '--out', out, '--slurm'], { PATH: '/nonexistent' });
    assert.equal(r.code, 2);
    assert.match(r.stderr, /^optlab: sbatch not found: --slurm needs SLURM's commands/m);
    assert.equal(
      optlab(['sweep', file, '--out', out, '--tasks', '3']).stderr.trim(),
      'optlab: --tasks only apply with --slurm',
    );
    assert.match(
      optlab(['sweep', file, '--out', out, '--slurm', '--shard', '0/2']).stderr,
      /--slurm chooses the shards itself/,
    );
    assert.match(
      optlab(['sweep', file, '--out', out, '--shard', '3/2']).stderr,
      /the shard index must be in 0\.\.1, got 3/,
    );
    const k8s = optlab(['sweep', file, '--out', out], { JOB_COMPLETION_INDEX: '1' });
    assert.equal(k8s.code, 2);
    assert.match(k8s.stderr, /JOB_COMPLETION_INDEX=1 \(a Kubernetes Indexed Job\) gives the shard but not the count/);
  });

  it('takes its shard from a Kubernetes Indexed Job, and --no-shard ignores it', () => {
    const out = join(dir, 'k8s');
    const r = optlab(['sweep', file, '--out', out, '--jobs', '1', '--quiet'], {
      JOB_COMPLETION_INDEX: '1',
      OPTLAB_SHARD_COUNT: '2',
    });
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /shard 1\/2 \(from JOB_COMPLETION_INDEX\): 2 of 2 runs finished/);
    const whole = optlab(['sweep', file, '--out', join(dir, 'whole'), '--jobs', '1', '--quiet', '--no-shard'], {
      SLURM_ARRAY_TASK_ID: '0',
      SLURM_ARRAY_TASK_COUNT: '4',
      SLURM_ARRAY_TASK_MIN: '0',
      SLURM_ARRAY_TASK_MAX: '3',
    });
    assert.equal(whole.code, 0, whole.stderr);
    assert.match(whole.stdout, /sweep complete in .* s: 4 of 4 runs finished/);
  });
});
