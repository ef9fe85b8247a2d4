// `npm run bench`: run every bench/*.bench.mjs in turn (or those named: `npm run bench -- health soak`).
// Each prints its figures as it goes, one line each (bench/lib.mjs figure()); at the end the figures of
// all benches are printed again together, with the machine's load, so one screen holds the whole run.
import { spawn } from 'node:child_process';
import { readdirSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const only = process.argv.slice(2);
const benches = readdirSync(here)
  .filter((f) => f.endsWith('.bench.mjs'))
  .filter((f) => only.length === 0 || only.some((o) => f.startsWith(o)))
  .sort();

/** Run one bench, echoing its output; resolves with its stdout lines and exit status. */
function runBench(file) {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['--expose-gc', path.join(here, file)], { stdio: ['ignore', 'pipe', 'inherit'] });
    const lines = [];
    let partial = '';
    child.stdout.on('data', (chunk) => {
      process.stdout.write(chunk);
      const text = partial + chunk;
      const parts = text.split('\n');
      partial = parts.pop();
      lines.push(...parts);
    });
    child.on('close', (code, signal) => resolve({ lines: partial ? [...lines, partial] : lines, status: code ?? signal }));
  });
}

const load = () =>
  os
    .loadavg()
    .map((l) => l.toFixed(2))
    .join(' ');
const summary = [];
let failed = 0;
for (const file of benches) {
  console.log(`# ${file} (load average ${load()})`);
  const { lines, status } = await runBench(file);
  summary.push(...lines.filter((line) => line.trim() && !line.startsWith('#')));
  if (status !== 0) {
    failed++;
    summary.push(`# ${file} failed (exit ${status})`);
    console.log(`# ${file} failed (exit ${status})`);
  }
}
console.log(`\n# all figures (${os.cpus().length} cores, load average ${load()}, node ${process.version})`);
for (const line of summary) console.log(line);
process.exit(failed ? 1 : 0);
