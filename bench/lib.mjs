// Shared helpers for the benchmarks: whole-process timing and one-line figures.
import { spawnSync } from 'node:child_process';

/** Median of a list of numbers. */
export function median(values) {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

/** Run a whole command `runs` times (after `warmup` runs); returns the median wall time. */
export function timeCommand(command, args, { runs = 9, env, warmup = 1 } = {}) {
  const walls = [];
  for (let i = 0; i < warmup + runs; i++) {
    const started = process.hrtime.bigint();
    const result = spawnSync(command, args, { env: { ...process.env, ...env }, stdio: ['ignore', 'ignore', 'pipe'] });
    const wall = Number(process.hrtime.bigint() - started) / 1e6;
    if (result.error) throw result.error;
    if (i >= warmup) walls.push(wall);
  }
  return { wallMs: median(walls), runs };
}

/**
 * One figure per line, the shape bench/run.mjs gathers into its summary:
 * `name  value unit  baseline(<name>) value unit  ratio r  (note)`; ratio = value / baseline.
 */
export function figure(name, value, unit, baseline, note) {
  const parts = [`${name.padEnd(28)} ${formatValue(value).padStart(9)} ${unit}`];
  if (baseline) {
    parts.push(`baseline(${baseline.name}) ${formatValue(baseline.value)} ${baseline.unit ?? unit}`);
    parts.push(`ratio ${(value / baseline.value).toFixed(2)}`);
  }
  if (note) parts.push(`(${note})`);
  console.log(parts.join('  '));
}

const formatValue = (value) => (Math.abs(value) >= 100 ? value.toFixed(0) : value.toFixed(Math.abs(value) >= 10 ? 1 : 2));
