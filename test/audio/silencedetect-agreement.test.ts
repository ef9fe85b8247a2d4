import { execa } from 'execa';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateCapture } from '../helpers/generate-capture.js';
import { generateSegments, spansSeconds, type AudioSpan } from '../helpers/generate-segments.js';
import { makeTempDir, runVpt } from '../helpers/run-vpt.js';

/**
 * ffmpeg's own silence detector against the monitor, on the same segments: silencedetect with the
 * monitor's level and minimum (n=-50dB, d=2) over all the segments at once, and `vpt monitor
 * --replay`'s audio_loss events over the frames of the same capture. Tones and digital silence only:
 * there the two rules (silencedetect: every sample under the level; vpt: the RMS of each 50 ms
 * window) must agree; on noise near the level they differ by design (docs/config.md, silence_db).
 * Silences of odd lengths at odd phases against the 1 s grid, one just over the minimum, one under.
 */
const SOUND: AudioSpan[] = [
  { kind: 'tone', seconds: 2.6 },
  { kind: 'silence', seconds: 2.3 }, // 2.6-4.9
  { kind: 'tone', seconds: 1.35 },
  { kind: 'silence', seconds: 5.05 }, // 6.25-11.3
  { kind: 'tone', seconds: 2.2 },
  { kind: 'silence', seconds: 1.8 }, // 13.5-15.3: under the minimum, neither reports it
  { kind: 'tone', seconds: 1.1 },
  { kind: 'silence', seconds: 3.33 }, // 16.4-19.73
  { kind: 'tone', seconds: 0.9 },
  { kind: 'silence', seconds: 7.7 }, // 20.63-28.33
  { kind: 'tone', seconds: 2.67 },
];
/** The bound between the monitor's boundaries and the sound's. */
const TOLERANCE_S = 0.2;

describe('audio_loss against ffmpeg silencedetect on the same segments', () => {
  let root: { dir: string; cleanup: () => Promise<void> };
  let fromFfmpeg: [number, number][];
  let fromVpt: [number, number][];

  beforeAll(async () => {
    root = await makeTempDir('vpt-silencedetect-');
    const device = path.join(root.dir, 'capture1');
    await generateCapture(device, [{ kind: 'moving', seconds: spansSeconds(SOUND) }]);
    const segments = await generateSegments({ dir: path.join(device, 'segments'), audio: SOUND });
    // The concat protocol joins the files byte for byte, as the monitor feeds them; timestamps start at 0.
    const detect = await execa(
      'ffmpeg',
      ['-hide_banner', '-nostats', '-i', `concat:${segments.join('|')}`, '-map', '0:a:0', '-af', 'silencedetect=n=-50dB:d=2', '-f', 'null', '-'],
      { timeout: 60_000 },
    );
    const starts = [...detect.stderr.matchAll(/silence_start: ([\d.]+)/g)].map((m) => Number(m[1]));
    const ends = [...detect.stderr.matchAll(/silence_end: ([\d.]+)/g)].map((m) => Number(m[1]));
    fromFfmpeg = starts.map((s, i) => [s, ends[i]!]);
    const run = await runVpt(['monitor', '--replay', '--stream-root', root.dir, '--json'], { timeoutMs: 120_000 });
    expect(run.exitCode, run.stderr).toBe(0);
    const summary = JSON.parse(run.stdout) as { devices: { first_time: string; events: { type: string; start: string; end: string | null }[] }[] };
    const first = Date.parse(summary.devices[0]!.first_time);
    fromVpt = summary.devices[0]!.events.filter((e) => e.type === 'audio_loss').map((e) => [
      (Date.parse(e.start) - first) / 1000,
      (Date.parse(e.end!) - first) / 1000,
    ]);
  }, 240_000);
  afterAll(() => root?.cleanup());

  it('finds the same silences, each boundary within 0.2 s of ffmpeg', () => {
    // ffmpeg hears the generated sound: its four silences of at least 2 s (the encoder and the
    // generators' frame sizes move them by a few hundredths).
    const intended = [
      [2.6, 4.9],
      [6.25, 11.3],
      [16.4, 19.73],
      [20.63, 28.33],
    ];
    expect(fromFfmpeg).toHaveLength(intended.length);
    for (const [i, [start, end]] of intended.entries()) {
      expect(Math.abs(fromFfmpeg[i]![0] - start!)).toBeLessThanOrEqual(0.1);
      expect(Math.abs(fromFfmpeg[i]![1] - end!)).toBeLessThanOrEqual(0.1);
    }
    expect(fromVpt, JSON.stringify({ fromVpt, fromFfmpeg })).toHaveLength(fromFfmpeg.length);
    for (const [i, [start, end]] of fromFfmpeg.entries()) {
      expect(Math.abs(fromVpt[i]![0] - start), `silence ${i} start`).toBeLessThanOrEqual(TOLERANCE_S);
      expect(Math.abs(fromVpt[i]![1] - end), `silence ${i} end`).toBeLessThanOrEqual(TOLERANCE_S);
    }
  });
});
