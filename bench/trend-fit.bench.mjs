#!/usr/bin/env node
// Why the report's leak rule fits least squares and not Theil-Sen (issue 24). A measurement, not a
// test: it prints figures (part of `npm run bench`). Usage: node bench/trend-fit.bench.mjs
//
// A garbage-collected process's RSS is a sawtooth: it climbs TOOTH_MB over a tooth's minutes, then
// a collection gives it back. Over a short window the phase of the tooth decides what a line
// through the points says. For every phase, both fits run on the samples a 30 s timer takes over
// the minimum span; the figures are the worst (highest) lower bound over all phases, in MB/hour,
// against the leak threshold, and the lowest lower bound of a real 400 MB/hour leak.
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { figure } from './lib.mjs';

const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const { fitSlope } = await import(path.join(REPO, 'dist/core/investigate/slope-fit.js'));
const { DEFAULT_TREND_RULES, LEAK_MIN_MB_PER_HOUR } = await import(path.join(REPO, 'dist/core/investigate/trend-rules.js'));

const SAMPLE_S = 30;
const TOOTH_MB = 40;
const NOISE_MB = 2;
const PHASES = 70;
const SPAN_MIN = DEFAULT_TREND_RULES.minSpanMs / 60_000;
const Z_95 = 1.6449;

/** Deterministic noise (a linear congruential generator), so every run prints the same figures. */
function noise(seed) {
  let state = seed;
  return () => {
    state = (state * 1_103_515_245 + 12_345) % 2 ** 31;
    return (state / 2 ** 31 - 0.5) * 2 * NOISE_MB;
  };
}

/** Theil-Sen with Sen's (1968) interval from Kendall's S, the alternative weighed. */
function theilSen(points) {
  const n = points.length;
  const slopes = [];
  for (let i = 0; i < n; i++) for (let j = i + 1; j < n; j++) slopes.push((points[j].y - points[i].y) / (points[j].x - points[i].x));
  slopes.sort((a, b) => a - b);
  const c = Z_95 * Math.sqrt((n * (n - 1) * (2 * n + 5)) / 18);
  return { lower: slopes[Math.max(0, Math.floor((slopes.length - c) / 2) - 1)] };
}

function series(toothMin, phaseMin, mbPerHour, seed) {
  const next = noise(seed);
  return Array.from({ length: (SPAN_MIN * 60) / SAMPLE_S + 1 }, (_, i) => {
    const minutes = (i * SAMPLE_S) / 60;
    const tooth = (((minutes + phaseMin) % toothMin) / toothMin) * TOOTH_MB;
    return { x: minutes / 60, y: 300 + tooth + (mbPerHour * minutes) / 60 + next() };
  });
}

/** The highest (sawtooth) or lowest (leak) lower bound of each fit over every phase of the tooth. */
function over(toothMin, mbPerHour, pick) {
  const out = { ls: undefined, ts: undefined };
  for (let k = 0; k < PHASES; k++) {
    const points = series(toothMin, (k / PHASES) * toothMin, mbPerHour, k + 1);
    out.ls = pick(out.ls ?? fitSlope(points).lower, fitSlope(points).lower);
    out.ts = pick(out.ts ?? theilSen(points).lower, theilSen(points).lower);
  }
  return out;
}

const threshold = { name: 'threshold', value: LEAK_MIN_MB_PER_HOUR, unit: 'MB/h' };
for (const toothMin of [7, 20]) {
  const saw = over(toothMin, 0, Math.max);
  const note = `${TOOTH_MB} MB tooth every ${toothMin} min, ${SPAN_MIN} min at ${SAMPLE_S} s, worst of ${PHASES} phases`;
  figure(`sawtooth ${toothMin}m least-squares lower`, saw.ls, 'MB/h', threshold, note);
  figure(`sawtooth ${toothMin}m Theil-Sen lower`, saw.ts, 'MB/h', threshold);
}
const leak = over(7, 400, Math.min);
figure('400 MB/h leak least-squares lower', leak.ls, 'MB/h', threshold, 'with 7 min teeth, lowest of all phases');
figure('400 MB/h leak Theil-Sen lower', leak.ts, 'MB/h', threshold);
