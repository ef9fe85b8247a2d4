#!/usr/bin/env node
// `vpt investigate --health` (whole process) against bench/health.sh doing the
// same sample with ps, df, du, free, uptime and dmesg, run alternately on the
// same machine; then the full `vpt investigate` report. Prints one line per
// figure. CPU time is the children's user+sys as bash's `times` reports it.
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
  const vpt = [process.execPath, path.join(ROOT, 'bin/vpt'), 'investigate', '--health', '--log-dir', path.join(work, 'vpt-log'), '--stream-root', stream];
  const shell = ['bash', path.join(ROOT, 'bench/health.sh'), path.join(work, 'sh-log'), stream];
  // Warm the page cache for both before measuring.
  await measure(vpt);
  await measure(shell);
  const a = [];
  const b = [];
  for (let i = 0; i < RUNS; i++) {
    a.push(await measure(vpt));
    b.push(await measure(shell));
  }
  const bad = a.find((r) => r.code > 2);
  if (bad) throw new Error(`vpt investigate --health exited ${bad.code}`);
  const [vw, sw] = [median(a.map((r) => r.wallMs)), median(b.map((r) => r.wallMs))];
  const [vc, sc] = [median(a.map((r) => r.cpuMs)), median(b.map((r) => r.cpuMs))];
  const shellBaseline = (value) => ({ name: 'bench/health.sh', value });
  figure('health-sample-ms', vw, 'ms', shellBaseline(sw), `median of ${RUNS} runs each`);
  figure('health-sample-cpu-ms', vc, 'ms', shellBaseline(sc), 'user+sys of the whole process');
  // The floor any Node.js CLI pays on this machine, for reading the figures above.
  const bare = [];
  for (let i = 0; i < Math.min(RUNS, 10); i++) bare.push(await measure([process.execPath, '-e', '0']));
  figure('node-startup-ms', median(bare.map((r) => r.wallMs)), 'ms', shellBaseline(sw), 'node -e 0: the floor under any vpt command');
  figure('node-startup-cpu-ms', median(bare.map((r) => r.cpuMs)), 'ms', shellBaseline(sc));
  const report = [];
  for (let i = 0; i < REPORT_RUNS; i++) {
    report.push(await measure([process.execPath, path.join(ROOT, 'bin/vpt'), 'investigate', '--log-dir', path.join(work, 'report-log'), '--stream-root', stream]));
  }
  figure('investigate-report-ms', median(report.map((r) => r.wallMs)), 'ms', { name: 'budget', value: 3000 }, `median of ${REPORT_RUNS} runs`);
  figure('investigate-report-cpu-ms', median(report.map((r) => r.cpuMs)), 'ms');
} finally {
  rmSync(work, { recursive: true, force: true });
}
