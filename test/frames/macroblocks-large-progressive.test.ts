import { execa } from 'execa';
import { mkdir, readFile, readdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeTempDir, REAL_FIXTURES, VPT_BIN } from '../helpers/run-vpt.js';

/**
 * Issue 27 item 10: --macroblocks on progressive 3840x2160 captures decoded
 * each at full size through sharp (+125 MB peak). Measured from outside, as
 * the peak RSS (VmHWM) GNU time reports for the real replay, against the same
 * replay without --macroblocks in the same run: the difference stays small,
 * and the skip is said once. A progressive 1920x1080 capture is still checked.
 */
const stem = (seq: number) => `capture_${String(seq).padStart(9, '0')}`;
/** A full-size 4K decode added ~125 MB; a skip adds nothing measurable. */
const ALLOWED_EXTRA_PEAK_BYTES = 40 * 1024 * 1024;

let root: { dir: string; cleanup: () => Promise<void> };
beforeAll(async () => {
  root = await makeTempDir('vpt-macroblocks-4k-');
});
afterAll(() => root.cleanup());

async function device(name: string, width: number, height: number, frames: number): Promise<string> {
  const stream = path.join(root.dir, name);
  const dir = path.join(stream, 'capture1');
  await mkdir(path.join(dir, 'captures'), { recursive: true });
  await mkdir(path.join(dir, 'thumbnails'), { recursive: true });
  const source = await readFile(path.join(REAL_FIXTURES, 'banner.jpg'));
  for (let seq = 0; seq < frames; seq++) {
    const picture = sharp(source).modulate({ brightness: 1 + seq * 0.05 });
    await writeFile(
      path.join(dir, 'captures', `${stem(seq)}.jpg`),
      await picture.clone().resize(width, height).jpeg({ quality: 80, progressive: true }).toBuffer(),
    );
    await writeFile(path.join(dir, 'thumbnails', `${stem(seq)}_thumbnail.jpg`), await picture.clone().resize(320, 180).jpeg({ quality: 80 }).toBuffer());
  }
  return stream;
}

async function peakReplay(stream: string, extra: string[]): Promise<{ peakBytes: number; stderr: string }> {
  const run = await execa('/usr/bin/time', ['-v', VPT_BIN, 'monitor', '--replay', '--no-audio', '--stream-root', stream, '--json', ...extra], {
    reject: false,
    env: { NO_COLOR: '1' },
    timeout: 120_000,
  });
  const stderr = String(run.stderr);
  expect(stderr).not.toContain('unexpected error');
  return { peakBytes: Number(/Maximum resident set size \(kbytes\): (\d+)/.exec(stderr)?.[1]) * 1024, stderr };
}

describe('--macroblocks on captures that are not baseline JPEG', () => {
  it('3840x2160 progressive: not decoded at full size, said once, peak RSS as without --macroblocks', async () => {
    const stream = await device('4k', 3840, 2160, 4);
    const without = await peakReplay(stream, []);
    const withBlocks = await peakReplay(stream, ['--macroblocks']);
    const extra = withBlocks.peakBytes - without.peakBytes;
    console.log(
      `--macroblocks on 4 progressive 4K captures: peak ${(withBlocks.peakBytes / 2 ** 20).toFixed(1)} MB, without ${(without.peakBytes / 2 ** 20).toFixed(1)} MB`,
    );
    expect(without.peakBytes).toBeGreaterThan(0);
    expect(extra).toBeLessThan(ALLOWED_EXTRA_PEAK_BYTES);
    // Not checked: the frames' JSON says so (no score).
    const frame = JSON.parse(await readFile(path.join(stream, 'capture1', 'metadata', `${stem(0)}.json`), 'utf8')) as { macroblocks_score: unknown };
    expect(frame.macroblocks_score ?? null).toBeNull();
    const said = withBlocks.stderr.split('\n').filter((l) => l.includes('macroblocks not checked'));
    expect(said).toEqual([
      'warning: [capture1] macroblocks not checked on 3840x2160 captures that are not baseline JPEG (a full-size decode of one costs over 100 MB; up to 1920x1080 are checked); said once',
    ]);
  }, 240_000);

  it('1920x1080 progressive: still checked (the per-frame JSON has its macroblock score)', async () => {
    const stream = await device('hd', 1920, 1080, 2);
    const run = await peakReplay(stream, ['--macroblocks']);
    expect(run.stderr).not.toContain('macroblocks not checked');
    const metadata = path.join(stream, 'capture1', 'metadata');
    const names = (await readdir(metadata)).filter((n) => /^capture_\d+\.json$/.test(n));
    expect(names.length).toBe(2);
    for (const name of names) {
      const frame = JSON.parse(await readFile(path.join(metadata, name), 'utf8')) as { macroblocks: unknown; macroblocks_score: unknown };
      expect(frame.macroblocks).toBe(false);
      expect(typeof frame.macroblocks_score).toBe('number');
    }
  }, 120_000);
});
