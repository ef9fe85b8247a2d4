// `vpt --help`, `vpt --version` and `vpt tmp-clean --help` start-up against bare `node -e 0`, run in
// turn (so the machine's load hits all alike), wall and CPU (user+sys as bash's `times` reports it),
// medians. Issue 15: within 1.2x of bare node. Then the share of a start-up spent checking each
// bundle's code cache before V8 takes it (bench/code-cache-check.cjs, issue 27).
// Usage: node bench/startup.bench.mjs [runs] (default 15)
import { spawn, spawnSync } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { figure, median } from './lib.mjs';

const vpt = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', 'bin', 'vpt');
const RUNS = Number(process.argv[2] ?? process.env.BENCH_RUNS ?? 15);

function measure(argv) {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const child = spawn('bash', ['-c', '"$@" >/dev/null 2>&1; status=$?; times; exit $status', 'bench', ...argv], { stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    child.stdout.on('data', (d) => (out += d));
    child.on('error', reject);
    child.on('close', (code) => {
      const seconds = (text) => {
        const m = /^(\d+)m([\d.]+)s$/.exec(text);
        return m ? Number(m[1]) * 60 + Number(m[2]) : NaN;
      };
      const [user, sys] = (out.trim().split('\n').at(-1) ?? '').split(/\s+/).map(seconds);
      resolve({ code, wallMs: performance.now() - started, cpuMs: (user + sys) * 1000 });
    });
  });
}

const commands = {
  node: [process.execPath, '-e', '0'],
  help: [process.execPath, vpt, '--help'],
  version: [process.execPath, vpt, '--version'],
  'tmp-clean-help': [process.execPath, vpt, 'tmp-clean', '--help'],
};
const runs = Object.fromEntries(Object.keys(commands).map((k) => [k, []]));
for (const argv of Object.values(commands)) await measure(argv);
for (let i = 0; i < RUNS; i++) for (const [name, argv] of Object.entries(commands)) runs[name].push(await measure(argv));
const wall = (name) => median(runs[name].map((r) => r.wallMs));
const cpu = (name) => median(runs[name].map((r) => r.cpuMs));
for (const name of ['help', 'version', 'tmp-clean-help']) {
  figure(`startup-${name}-ms`, wall(name), 'ms', { name: 'node -e 0', value: wall('node') }, `median of ${RUNS}; budget ratio <= 1.2`);
  figure(`startup-${name}-cpu-ms`, cpu(name), 'ms', { name: 'node -e 0', value: cpu('node') });
}
for (const bundle of ['cli.cjs', 'health.cjs']) {
  const checks = [];
  for (let i = 0; i < RUNS; i++) {
    const run = spawnSync(process.execPath, [path.join(path.dirname(vpt), '..', 'bench', 'code-cache-check.cjs'), bundle], { encoding: 'utf8' });
    if (run.status !== 0) throw new Error(run.stderr);
    checks.push(run.stdout.split(' ').map(Number));
  }
  const kb = Math.round(checks[0][1] / 1024);
  figure(
    `code-cache-check-${bundle.split('.')[0]}-ms`,
    median(checks.map((c) => c[0])),
    'ms',
    undefined,
    `median of ${RUNS}; node:crypto + read + SHA-256 of ${kb} KB`,
  );
}
