import { readdir, readFile, symlink } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateCapture, type GeneratedCapture } from '../helpers/generate-capture.js';
import { generateSegments, type AudioSpan } from '../helpers/generate-segments.js';
import { makeTempDir, runVpt } from '../helpers/run-vpt.js';

/**
 * Issue 5 acceptance through the binary: a capture generated with its
 * audio segments, replayed with audio checks on the frame clock. Silence
 * over moving video is one audio_loss event; silence under black is none
 * (priority); black with a banner over silence is a confirmed zap, plain
 * black is not.
 */

/** The sound is heard continuously (issue 22): audio_loss starts and ends within 0.2 s of the sound's own boundaries. */
const TOLERANCE_S = 0.2;
const PICTURE = [
  { kind: 'moving', seconds: 4 }, // 0-4 tone
  { kind: 'moving', seconds: 45 }, // 4-49 silence: audio loss, long enough for an incident
  { kind: 'moving', seconds: 6 }, // 49-55 tone
  { kind: 'black', seconds: 6 }, // 55-61 silence under black: no loss; plain black: no zap
  { kind: 'moving', seconds: 4 }, // 61-65 tone
  { kind: 'banner', seconds: 3 }, // 65-68 silence under a banner: a zap
  { kind: 'moving', seconds: 7 }, // 68-75 tone
] as const;
const SOUND: AudioSpan[] = [
  { kind: 'tone', seconds: 4 },
  { kind: 'silence', seconds: 45 },
  { kind: 'tone', seconds: 6 },
  { kind: 'silence', seconds: 6 },
  { kind: 'tone', seconds: 4 },
  { kind: 'silence', seconds: 3 },
  { kind: 'tone', seconds: 7 },
];

interface Summary {
  devices: { frames: number; events: { type: string; start: string; end: string | null }[] }[];
  zaps: { frame: string; start_frame: string; zapping_detected: boolean; banner_seen: boolean; continuous_audio: boolean | null }[];
}

describe('replay of a generated capture with audio', () => {
  let root: { dir: string; cleanup: () => Promise<void> };
  let tmp: { dir: string; cleanup: () => Promise<void> };
  let capture: GeneratedCapture;
  let summary: Summary;
  let rel: (iso: string | null) => number;

  beforeAll(async () => {
    root = await makeTempDir('vpt-replay-audio-');
    tmp = await makeTempDir('vpt-replay-audio-tmp-');
    const device = path.join(root.dir, 'capture1');
    capture = await generateCapture(device, PICTURE);
    await generateSegments({ dir: path.join(device, 'segments'), audio: SOUND });
    rel = (iso) => (Date.parse(iso!) - capture.firstMtimeMs) / 1000;
    const run = await runVpt(['monitor', '--replay', '--stream-root', root.dir, '--json'], { timeoutMs: 240_000, env: { TMPDIR: tmp.dir } });
    expect(run.exitCode, run.stderr).toBe(0);
    summary = JSON.parse(run.stdout) as Summary;
  }, 360_000);
  afterAll(async () => {
    await root?.cleanup();
    await tmp?.cleanup();
  });

  it('reports the silence over moving video as one audio_loss event, within 0.2 s of the truth, and none for the silence under black', () => {
    const losses = summary.devices[0]!.events.filter((e) => e.type === 'audio_loss');
    expect(losses, JSON.stringify(summary.devices[0]!.events)).toHaveLength(1);
    expect(Math.abs(rel(losses[0]!.start) - 4)).toBeLessThanOrEqual(TOLERANCE_S);
    expect(Math.abs(rel(losses[0]!.end) - 49)).toBeLessThanOrEqual(TOLERANCE_S);
    // Live, an event this long opens one audio_loss incident at the default 30 s --incident-delay.
    expect(rel(losses[0]!.end) - rel(losses[0]!.start)).toBeGreaterThanOrEqual(30);
  });

  it('confirms the zap of black with a banner over silence, and not plain black', () => {
    const bySecond = (name: string) => Number(/(\d{9})/.exec(name)![1]) / capture.fps;
    const confirmed = summary.zaps.filter((z) => z.zapping_detected);
    expect(confirmed, JSON.stringify(summary.zaps)).toHaveLength(1);
    expect(Math.abs(bySecond(confirmed[0]!.start_frame) - 65)).toBeLessThanOrEqual(1);
    expect(confirmed[0]).toMatchObject({ banner_seen: true, continuous_audio: false });
    // The 6 s plain black is a zap candidate, checked, and not a zap (no banner).
    const black = summary.zaps.find((z) => Math.abs(bySecond(z.start_frame) - 55) <= 1);
    expect(black, JSON.stringify(summary.zaps)).toMatchObject({ zapping_detected: false, banner_seen: false });
  });

  it('leaves no temp file behind', async () => {
    expect(await readdir(tmp.dir)).toEqual([]);
  });

  it('without ffmpeg: one warning naming it, audio unknown (null), never an audio loss', async () => {
    // PATH holds only a link to node (node and ffmpeg share /usr/bin on Debian), so ffmpeg cannot be found.
    const bin = await makeTempDir('vpt-node-only-');
    await symlink(process.execPath, path.join(bin.dir, 'node'));
    const run = await runVpt(['monitor', '--replay', '--stream-root', root.dir, '--json'], {
      timeoutMs: 240_000,
      env: { TMPDIR: tmp.dir, PATH: bin.dir },
    }).finally(() => bin.cleanup());
    expect(run.exitCode, run.stderr).toBe(0);
    const ffmpegLines = run.stderr.split('\n').filter((l) => /ffmpeg/i.test(l));
    expect(ffmpegLines, run.stderr).toHaveLength(1);
    const result = JSON.parse(run.stdout) as Summary;
    expect(result.devices[0]!.events.filter((e) => e.type === 'audio_loss')).toEqual([]);
    const frameJson = JSON.parse(await readFile(path.join(root.dir, 'capture1', 'metadata', 'capture_000000100.json'), 'utf8')) as { audio: unknown };
    expect(frameJson.audio).toBeNull();
  }, 300_000);
});
