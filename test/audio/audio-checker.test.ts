import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { analyzeSegment } from '../../src/core/audio/analyze-segment.js';
import { AUDIO_CHECK_INTERVAL_MS, AudioChecker, type AudioFields } from '../../src/core/audio/audio-checker.js';
import { parseSilencedetect } from '../../src/core/audio/ffmpeg-audio-parsers.js';
import { segmentIndexForFrame, segmentRangeForFrames } from '../../src/core/audio/segment-files.js';
import { createLogger } from '../../src/core/logger.js';
import { runProgram } from '../../src/core/process/process-runner.js';
import { audioGraph, generateSegments, spansSeconds, type AudioSpan } from '../helpers/generate-segments.js';
import { makeTempDir } from '../helpers/run-vpt.js';

const FPS = 5;
const FRAME_MS = 1000 / FPS;
const T0 = Date.parse('2025-10-17T14:30:00Z');
const SPANS: AudioSpan[] = [
  { kind: 'tone', seconds: 10 },
  { kind: 'silence', seconds: 20 },
  { kind: 'tone', seconds: 15 },
];

let root: { dir: string; cleanup: () => Promise<void> };
let segmentsDir: string;
let videoOnlyDir: string;

beforeAll(async () => {
  root = await makeTempDir('vpt-audio-checker-');
  segmentsDir = path.join(root.dir, 'capture1', 'segments');
  videoOnlyDir = path.join(root.dir, 'capture2', 'segments');
  await generateSegments({ dir: segmentsDir, audio: SPANS });
  await generateSegments({ dir: videoOnlyDir, audio: 'none', seconds: 12 });
}, 120_000);

afterAll(async () => {
  await root?.cleanup();
});

function captureLogger() {
  const lines: string[] = [];
  return { lines, logger: createLogger({ level: 'debug', write: (l) => void lines.push(l) }) };
}

/** Replays frames 0..count-1 on the 5 fps clock, as --replay would. */
async function replay(checker: AudioChecker, count: number): Promise<AudioFields[]> {
  const fields: AudioFields[] = [];
  for (let seq = 0; seq < count; seq++) fields.push(await checker.onFrameAndWait(seq, T0 + seq * FRAME_MS));
  return fields;
}

describe('segment numbering', () => {
  it('maps frames to 1 s segments by floor(frame / fps) and to VNC 4 s segments by floor(frame / (fps * 4))', () => {
    expect([0, 4, 5, 9, 10, 123].map((n) => segmentIndexForFrame(n, 5))).toEqual([0, 0, 1, 1, 2, 24]);
    expect([0, 7, 8, 15, 16].map((n) => segmentIndexForFrame(n, 2, 4))).toEqual([0, 0, 1, 1, 2]);
  });

  it("lists an event's segments plus one after", () => {
    expect(segmentRangeForFrames(12, 24, 5)).toEqual([2, 3, 4, 5]);
    expect(segmentRangeForFrames(7, 9, 2, 4)).toEqual([0, 1, 2]);
  });
});

describe('AudioChecker on generated segments (real ffmpeg)', () => {
  it("finds the silent stretch within one check interval (5 s) of ffmpeg's silencedetect on the source", async () => {
    const checker = new AudioChecker({ device: 'capture1', segmentsDir, fps: FPS });
    const frames = spansSeconds(SPANS) * FPS;
    const fields = await replay(checker, frames);
    const firstSilent = fields.findIndex((f) => f.audio === false);
    const backAfter = fields.findIndex((f, i) => i > firstSilent && f.audio === true);
    expect(firstSilent).toBeGreaterThan(0);
    expect(backAfter).toBeGreaterThan(firstSilent);
    // Nothing else silent.
    expect(fields.slice(backAfter).every((f) => f.audio === true)).toBe(true);

    const truth = await runProgram(
      'ffmpeg',
      ['-hide_banner', '-nostats', '-f', 'lavfi', '-i', audioGraph(SPANS), '-af', 'silencedetect=noise=-50dB:d=0.5', '-f', 'null', '-'],
      {
        timeoutMs: 60_000,
      },
    );
    const [silence] = parseSilencedetect(truth.stderr);
    const toleranceSec = AUDIO_CHECK_INTERVAL_MS / 1000;
    expect(Math.abs(firstSilent / FPS - silence!.start)).toBeLessThanOrEqual(toleranceSec);
    expect(Math.abs(backAfter / FPS - silence!.end)).toBeLessThanOrEqual(toleranceSec);
  }, 120_000);

  it('reports no audio loss for silence under a blackscreen, nor for the result carried past its end; a loss over moving video is one run', async () => {
    const dir = path.join(root.dir, 'capture3', 'segments');
    const spans: AudioSpan[] = [
      { kind: 'tone', seconds: 10 },
      // While the picture is black, 10-22 s: the check at 21 s finds silence, carried until 26 s.
      { kind: 'silence', seconds: 12 },
      { kind: 'tone', seconds: 3 },
      { kind: 'silence', seconds: 15 }, // over moving video: 25-40 s
      { kind: 'tone', seconds: 10 },
    ];
    await generateSegments({ dir, audio: spans });
    const checker = new AudioChecker({ device: 'capture3', segmentsDir: dir, fps: FPS });
    const loss: (boolean | undefined)[] = [];
    for (let seq = 0; seq < spansSeconds(spans) * FPS; seq++) {
      const black = seq >= 10 * FPS && seq < 22 * FPS;
      await checker.onFrameAndWait(seq, T0 + seq * FRAME_MS, black);
      loss.push(checker.audioLoss());
    }
    const runs: [number, number][] = [];
    for (let i = 0; i < loss.length; i++) {
      if (loss[i] === true && loss[i - 1] !== true) runs.push([i / FPS, i / FPS]);
      if (loss[i] === true) runs.at(-1)![1] = (i + 1) / FPS;
    }
    expect(runs).toHaveLength(1);
    // Not before the silence over moving video begins (the carried silent result of 21 s does not count)...
    expect(runs[0]![0]).toBeGreaterThanOrEqual(25);
    // ...and within one check of it.
    expect(runs[0]![0] - 25).toBeLessThanOrEqual(AUDIO_CHECK_INTERVAL_MS / 1000);
    expect(Math.abs(runs[0]![1] - 40)).toBeLessThanOrEqual(AUDIO_CHECK_INTERVAL_MS / 1000);
    // The raw per-frame field still says what the segment held: silent under the black.
    expect(checker.current().audio).toBe(true);
  }, 120_000);

  it('checks at most once per 5 s of video, carrying the last result in between', async () => {
    const checker = new AudioChecker({ device: 'capture1', segmentsDir, fps: FPS });
    const fields = await replay(checker, 20 * FPS);
    const stamps = [...new Set(fields.map((f) => f.audio_check_timestamp).filter((s): s is string => s !== undefined))].map(Date.parse);
    expect(checker.checksStarted).toBe(stamps.length);
    expect(stamps.length).toBeGreaterThanOrEqual(3);
    expect(stamps.length).toBeLessThanOrEqual(4);
    for (let i = 1; i < stamps.length; i++) expect(stamps[i]! - stamps[i - 1]!).toBeGreaterThanOrEqual(AUDIO_CHECK_INTERVAL_MS);
    const checked = fields.find((f) => f.audio_check_timestamp !== undefined)!;
    expect(checked).toMatchObject({ audio: true, audio_state: 'audio', audio_segment_file: 'segment_000000000.ts' });
    expect(checked.mean_volume_db).toBeGreaterThan(-50);
  }, 60_000);

  it('never runs a second ffmpeg while one is in flight: frames are skipped, not queued', async () => {
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    const calls: string[] = [];
    const checker = new AudioChecker({
      device: 'capture1',
      segmentsDir,
      fps: FPS,
      analyze: async (file, signal) => {
        calls.push(file);
        await gate;
        return analyzeSegment(file, { signal });
      },
    });
    for (let seq = 0; seq < 10 * FPS; seq++) expect(checker.onFrame(seq, T0 + seq * FRAME_MS).audio).toBeNull();
    await vi.waitFor(() => expect(calls).toHaveLength(1), { timeout: 10_000 });
    // 20 s more video while that check hangs: each due frame finds it running.
    for (let seq = 10 * FPS; seq < 30 * FPS; seq++) expect(checker.onFrame(seq, T0 + seq * FRAME_MS).audio).toBeNull();
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(calls).toHaveLength(1);
    expect(checker.skippedInFlight).toBeGreaterThan(0);
    release();
    await checker.idle();
    expect(checker.current().audio).toBe(true);
    // The next frame due starts the next check: nothing was queued meanwhile.
    checker.onFrame(30 * FPS, T0 + 30_000);
    await vi.waitFor(() => expect(calls).toHaveLength(2), { timeout: 10_000 });
    await checker.close();
  });

  it("logs 'no audio stream' once per device and reports audio unknown, not loss", async () => {
    const { lines, logger } = captureLogger();
    const checker = new AudioChecker({ device: 'capture2', segmentsDir: videoOnlyDir, fps: FPS, logger });
    const fields = await replay(checker, 12 * FPS);
    expect(checker.checksStarted).toBeGreaterThanOrEqual(2);
    expect(fields.every((f) => f.audio === null)).toBe(true);
    expect(fields.at(-1)!.audio_state).toBe('no_audio_stream');
    expect(lines.filter((l) => l.includes('no audio stream'))).toEqual([expect.stringMatching(/^warning: \[capture2\] segment_\d{9}\.ts has no audio stream/)]);
  }, 60_000);

  it('without ffmpeg: reports it once, audio unknown, and stops trying', async () => {
    const missing: unknown[] = [];
    const checker = new AudioChecker({
      device: 'capture1',
      segmentsDir,
      fps: FPS,
      analyze: (file, signal) => analyzeSegment(file, { signal, ffmpeg: 'vpt-test-no-such-ffmpeg' }),
      onUnavailable: (err) => missing.push(err),
    });
    const fields = await replay(checker, 20 * FPS);
    expect(missing).toHaveLength(1);
    expect(checker.checksStarted).toBe(1);
    expect(fields.every((f) => f.audio === null)).toBe(true);
  });

  it("reports a segment that is not there as unknown ('no_segment'), not as loss", async () => {
    const checker = new AudioChecker({ device: 'capture1', segmentsDir: path.join(root.dir, 'empty'), fps: FPS });
    const fields = await replay(checker, 3 * FPS);
    expect(fields.at(-1)).toMatchObject({ audio: null, audio_state: 'no_segment' });
    // No segment was heard: no segment name.
    expect(fields.at(-1)).not.toHaveProperty('audio_segment_file');
  });
});
