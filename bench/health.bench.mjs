#!/usr/bin/env node
// `vpt investigate --health --prom` (whole process), bare `node -e 0` and bench/health.sh (the same
// sample with ps, df, du, free, uptime and dmesg), run in turn on the same machine; then the full
// `vpt investigate` report. Prints one line per figure. CPU time is the children's user+sys as
// bash's `times` reports it. Issue 15: the sample within 1.3x of bare node, wall and CPU.
// Usage: node bench/health.bench.mjs [runs]   (env BENCH_RUNS, default 20)
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { figure, median } from './lib.mjs';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const RUNS = Number(process.argv[2] ?? process.env.BENCH_RUNS ?? 20);
const REPORT_RUNS = Math.max(3, Math.round(RUNS / 4));

/** Run argv under bash so `times` gives the CPU time of everything it spawned. */
function measure(argv) {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const child = spawn('bash', ['-c', '"$@" >/dev/null 2>&1; status=$?; times; exit $status', 'bench', ...argv], {
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let out = '';
    child.stdout.on('data', (d) => (out += d));
    child.on('error', reject);
    child.on('close', (code) => {
      const wallMs = performance.now() - started;
      const lines = out.trim().split('\n');
      const seconds = (text) => {
        const m = /^(\d+)m([\d.]+)s$/.exec(text);
        return m ? Number(m[1]) * 60 + Number(m[2]) : NaN;
      };
      const [user, sys] = (lines.at(-1) ?? '').split(/\s+/).map(seconds);
      resolve({ code, wallMs, cpuMs: (user + sys) * 1000 });
    });
  });
}

const work = mkdtempSync(path.join(tmpdir(), 'vpt-bench-health-'));
try {
  const stream = path.join(work, 'stream');
  for (const device of ['capture1', 'capture2']) mkdirSync(path.join(stream, device, 'hot'), { recursive: true });
  // Each sampler sizes this temp folder, not the machine's /tmp, whose content (other jobs' files)
  // would decide the figure; a farm host's /tmp is small, or its own tmpfs (one statfs).
  const tmp = path.join(work, 'tmp');
  mkdirSync(tmp);
  process.env.TMPDIR = tmp;
  const vpt = [
    process.execPath,
    path.join(ROOT, 'bin/vpt'),
    'investigate',
    '--health',
    '--log-dir',
    path.join(work, 'vpt-log'),
    '--stream-root',
    stream,
    '--prom',
    path.join(work, 'vpt.prom'),
  ];
  const bareNode = [process.execPath, '-e', '0'];
  const shell = ['bash', path.join(ROOT, 'bench/health.sh'), path.join(work, 'sh-log'), stream];
  // Warm the page cache for all three before measuring, then run them in turn so load hits all alike.
  for (const argv of [vpt, bareNode, shell]) await measure(argv);
  const runs = { vpt: [], node: [], shell: [] };
  for (let i = 0; i < RUNS; i++) {
    runs.vpt.push(await measure(vpt));
    runs.node.push(await measure(bareNode));
    runs.shell.push(await measure(shell));
  }
  const bad = runs.vpt.find((r) => r.code > 2);
  if (bad) throw new Error(`vpt investigate --health exited ${bad.code}`);
  const wall = (list) => median(list.map((r) => r.wallMs));
  const cpu = (list) => median(list.map((r) => r.cpuMs));
  const bare = (value) => ({ name: 'node -e 0', value });
  const note = `median of ${RUNS} runs each, --prom on; issue 15 budget: ratio <= 1.3`;
  figure('health-sample-ms', wall(runs.vpt), 'ms', bare(wall(runs.node)), note);
  figure('health-sample-cpu-ms', cpu(runs.vpt), 'ms', bare(cpu(runs.node)), 'user+sys of the whole process');
  figure('node-startup-ms', wall(runs.node), 'ms', undefined, 'node -e 0: the floor under any vpt command');
  figure('node-startup-cpu-ms', cpu(runs.node), 'ms');
  const shellBaseline = (value) => ({ name: 'bench/health.sh', value });
  figure('health-sh-ms', wall(runs.shell), 'ms', undefined, 'the shell sampler (ps, df, du, free): the reference the seed used');
  figure('health-sh-cpu-ms', cpu(runs.shell), 'ms');
  figure('health-sample-vs-sh-ms', wall(runs.vpt), 'ms', shellBaseline(wall(runs.shell)));
  const report = [];
  for (let i = 0; i < REPORT_RUNS; i++) {
    report.push(
      await measure([process.execPath, path.join(ROOT, 'bin/vpt'), 'investigate', '--log-dir', path.join(work, 'report-log'), '--stream-root', stream]),
    );
  }
  figure('investigate-report-ms', median(report.map((r) => r.wallMs)), 'ms', { name: 'budget', value: 3000 }, `median of ${REPORT_RUNS} runs`);
  figure('investigate-report-cpu-ms', median(report.map((r) => r.cpuMs)), 'ms');
} finally {
  rmSync(work, { recursive: true, force: true });
}
