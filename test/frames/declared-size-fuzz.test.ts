import { execa } from 'execa';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MAX_CAPTURE_SIZE } from '../../src/core/frames/frame-size.js';
import { generateCapture } from '../helpers/generate-capture.js';
import { makeTempDir, VPT_BIN } from '../helpers/run-vpt.js';
import { progressiveOf, SOF, withDeclaredSize } from './hostile-jpegs.js';

/**
 * Issue 16, item 1: a replay over frames whose SOF headers declare random
 * sizes (baseline, extended, progressive and arithmetic-coded, up to
 * 65535x65535, and sizes right at the 3840x2160 bound, where a decoder really
 * allocates for them) stays under the replay's memory budget. Measured from
 * outside: the peak RSS (VmHWM) of the real `vpt monitor --replay` process
 * as GNU time reports it.
 */
const CASES = 60;
const SEED = 16;
/** docs/monitor-replay.md "Memory": the replay's budget. */
const REPLAY_RSS_BUDGET_BYTES = 150 * 1024 * 1024;
const MARKERS = [SOF.baseline, SOF.extended, SOF.progressive, SOF.arithmetic, SOF.arithmeticProgressive];
const stem = (seq: number) => `capture_${String(seq).padStart(9, '0')}`;

let state = SEED;
/** xorshift32: the same cases on every run. */
function random(below: number): number {
  state ^= state << 13;
  state >>>= 0;
  state ^= state >>> 17;
  state ^= state << 5;
  state >>>= 0;
  return state % below;
}

/** Huge, just over the bound, at the bound (a decoder does allocate for it), or anything up to the bound. */
function declaredSize(): [number, number] {
  const kind = random(4);
  if (kind === 0) return [1 + random(65535), 1 + random(65535)];
  if (kind === 1)
    return [
      [16383, 16383],
      [65535, 65535],
      [MAX_CAPTURE_SIZE.width + 1, MAX_CAPTURE_SIZE.height],
      [MAX_CAPTURE_SIZE.width, MAX_CAPTURE_SIZE.height + 1],
      [65535, 1],
    ][random(5)] as [number, number];
  if (kind === 2) return [MAX_CAPTURE_SIZE.width, MAX_CAPTURE_SIZE.height];
  return [1 + random(MAX_CAPTURE_SIZE.width), 1 + random(MAX_CAPTURE_SIZE.height)];
}

describe('vpt monitor --replay over declared-size attacks', () => {
  let root: { dir: string; cleanup: () => Promise<void> };
  beforeAll(async () => {
    root = await makeTempDir('vpt-declared-fuzz-');
  });
  afterAll(() => root.cleanup());

  it(`${CASES} frames with random SOF sizes and coding processes: each one warning or analysed, peak RSS under 150 MB`, async () => {
    const source = path.join(root.dir, 'source');
    await generateCapture(source, [{ kind: 'moving', seconds: 1 }]);
    const capture = await readFile(path.join(source, 'captures', `${stem(0)}.jpg`));
    const thumbnail = await readFile(path.join(source, 'thumbnails', `${stem(0)}_thumbnail.jpg`));
    const bases = { capture: [capture, await progressiveOf(capture)], thumbnail: [thumbnail, await progressiveOf(thumbnail)] };
    const device = path.join(root.dir, 'stream', 'capture1');
    await mkdir(path.join(device, 'captures'), { recursive: true });
    await mkdir(path.join(device, 'thumbnails'), { recursive: true });
    for (let seq = 0; seq < CASES; seq++) {
      for (const kind of ['capture', 'thumbnail'] as const) {
        const marker = MARKERS[random(MARKERS.length)]!;
        const progressive = marker === SOF.progressive || marker === SOF.arithmeticProgressive;
        const [width, height] = declaredSize();
        const file = kind === 'capture' ? path.join(device, 'captures', `${stem(seq)}.jpg`) : path.join(device, 'thumbnails', `${stem(seq)}_thumbnail.jpg`);
        await writeFile(file, withDeclaredSize(bases[kind][progressive ? 1 : 0]!, width, height, marker));
      }
    }
    const run = await execa('/usr/bin/time', ['-v', VPT_BIN, 'monitor', '--replay', '--no-audio', '--stream-root', path.join(root.dir, 'stream'), '--json'], {
      reject: false,
      env: { NO_COLOR: '1' },
      timeout: 120_000,
    });
    const stderr = String(run.stderr);
    const peakKb = Number(/Maximum resident set size \(kbytes\): (\d+)/.exec(stderr)?.[1]);
    console.log(`declared-size fuzz: ${CASES} frames, peak RSS ${(peakKb / 1024).toFixed(1)} MB (budget ${REPLAY_RSS_BUDGET_BYTES / 1024 / 1024} MB)`);
    expect(stderr).not.toContain('unexpected error');
    expect(run.exitCode, stderr).toBe(1);
    const warnings = stderr.split('\n').filter((l) => l.startsWith('warning: [capture1]'));
    const summary = JSON.parse(String(run.stdout)).devices[0] as { frames: number; analysed: number; errors: number };
    expect(summary.frames).toBe(CASES);
    // One warning per bad frame, at most 10 a minute per kind of problem; the rest are counted in a summary line.
    const held = warnings.reduce((n, l) => n + Number(/\(and (\d+) more like it/.exec(l)?.[1] ?? 0), 0);
    const said = warnings.filter((l) => !l.includes('more like it')).length + held;
    // Every bad frame is said (a thumbnail refused while its capture was analysed is said too, and is no bad frame).
    expect(said, warnings.join('\n')).toBeGreaterThanOrEqual(summary.errors);
    expect(said, warnings.join('\n')).toBeLessThanOrEqual(CASES);
    expect(warnings.filter((l) => l.includes('too large (declares')).length).toBeGreaterThan(CASES / 3);
    expect(peakKb * 1024).toBeGreaterThan(0);
    expect(peakKb * 1024).toBeLessThan(REPLAY_RSS_BUDGET_BYTES);
  }, 240_000);
});
