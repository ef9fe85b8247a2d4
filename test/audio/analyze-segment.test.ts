import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SILENT_MEAN_DB, analyzeSegment, classifyAudio, probeFfmpeg } from '../../src/core/audio/analyze-segment.js';
import { parseSilencedetect } from '../../src/core/audio/ffmpeg-audio-parsers.js';
import { MissingProgramError } from '../../src/core/errors.js';
import { runProgram } from '../../src/core/process/process-runner.js';
import { audioGraph, generateSegments, type AudioSpan } from '../helpers/generate-segments.js';
import { makeTempDir } from '../helpers/run-vpt.js';

const SPANS: AudioSpan[] = [
  { kind: 'tone', seconds: 4 },
  { kind: 'silence', seconds: 6 },
  { kind: 'tone', seconds: 4 },
];

let root: { dir: string; cleanup: () => Promise<void> };
let withAudio: string[];
let videoOnly: string[];

beforeAll(async () => {
  root = await makeTempDir('vpt-analyze-');
  withAudio = await generateSegments({ dir: path.join(root.dir, 'a', 'segments'), audio: SPANS });
  videoOnly = await generateSegments({ dir: path.join(root.dir, 'v', 'segments'), audio: 'none', seconds: 3 });
}, 120_000);

afterAll(async () => {
  await root?.cleanup();
});

describe('analyzeSegment on generated segments', () => {
  it('hears the tone', async () => {
    const result = await analyzeSegment(withAudio[1]!);
    expect(result.state).toBe('audio');
    expect(result.meanVolumeDb).toBeGreaterThan(SILENT_MEAN_DB);
    expect(result.silences).toEqual([]);
    expect(result.durationMs).toBeGreaterThan(500);
  });

  it('finds a segment inside the silent stretch silent, covered by silencedetect', async () => {
    const result = await analyzeSegment(withAudio[7]!);
    expect(result.state).toBe('silent');
    expect(result.meanVolumeDb).toBe(-91);
    expect(result.silences).toHaveLength(1);
  });

  it('judges a segment by how it ends: sound stopping mid-segment is silent, sound coming back is audio', async () => {
    const stopping = await analyzeSegment(withAudio[4]!);
    const resuming = await analyzeSegment(withAudio[10]!);
    expect(stopping.state).toBe('silent');
    expect(stopping.meanVolumeDb).toBeGreaterThan(SILENT_MEAN_DB);
    expect(resuming.state).toBe('audio');
  });

  it("says 'no_audio_stream' for video-only segments, not silence", async () => {
    const result = await analyzeSegment(videoOnly[1]!);
    expect(result).toEqual({ state: 'no_audio_stream', silences: [], durationMs: 0 });
  });

  it("reports a file that is not media as 'error' with ffmpeg's reason", async () => {
    const bad = path.join(root.dir, 'garbage.ts');
    await writeFile(bad, 'this is not an mpeg transport stream\n');
    const result = await analyzeSegment(bad);
    expect(result.state).toBe('error');
    expect(result.error).toMatch(/Invalid data/);
  });

  it("reports a missing file as 'error'", async () => {
    const result = await analyzeSegment(path.join(root.dir, 'nope.ts'));
    expect(result.state).toBe('error');
    expect(result.error).toMatch(/No such file/);
  });

  it('throws MissingProgramError when ffmpeg is not installed', async () => {
    await expect(analyzeSegment(withAudio[0]!, { ffmpeg: 'vpt-test-no-such-ffmpeg' })).rejects.toBeInstanceOf(MissingProgramError);
    await expect(probeFfmpeg('vpt-test-no-such-ffmpeg')).rejects.toBeInstanceOf(MissingProgramError);
    await expect(probeFfmpeg()).resolves.toMatch(/^ffmpeg version/);
  });

  it("agrees with ffmpeg's own silencedetect on the source within one segment", async () => {
    const states = await Promise.all(withAudio.map((file) => analyzeSegment(file)));
    const silent = states.flatMap((s, i) => (s.state === 'silent' ? [i] : []));
    // Silent segments form one run; as seconds: [first, last + 1).
    expect(silent.length).toBeGreaterThan(0);
    expect(silent.at(-1)! - silent[0]! + 1).toBe(silent.length);
    const truth = await runProgram(
      'ffmpeg',
      ['-hide_banner', '-nostats', '-f', 'lavfi', '-i', audioGraph(SPANS), '-af', 'silencedetect=noise=-50dB:d=0.5', '-f', 'null', '-'],
      {
        timeoutMs: 60_000,
      },
    );
    const [interval, ...rest] = parseSilencedetect(truth.stderr);
    expect(rest).toEqual([]);
    expect(interval!.start).toBeCloseTo(4, 1);
    expect(interval!.end).toBeCloseTo(10, 1);
    expect(Math.abs(silent[0]! - interval!.start)).toBeLessThanOrEqual(1);
    expect(Math.abs(silent.at(-1)! + 1 - interval!.end)).toBeLessThanOrEqual(1);
  });
});

describe('classifyAudio (pure)', () => {
  const vol = (mean: number) => `[Parsed_volumedetect_0 @ 0x1] mean_volume: ${mean} dB\n[Parsed_volumedetect_0 @ 0x1] max_volume: -16.1 dB\n`;
  const time = (sec: string) => `size=N/A time=00:00:${sec} bitrate=N/A speed= 300x\n`;

  it('is silent below -50 dB mean, audio at or above', () => {
    expect(classifyAudio(time('01.00') + vol(-50.1), 0).state).toBe('silent');
    expect(classifyAudio(time('01.00') + vol(-50), 0).state).toBe('audio');
  });

  it('is silent when silencedetect covers 90% of the segment, audio just under', () => {
    const silence = (end: string, d: string) =>
      `[silencedetect @ 0x1] silence_start: 0.00\n[silencedetect @ 0x1] silence_end: ${end} | silence_duration: ${d}\n`;
    // Silences ending well before the segment's end, so only coverage decides.
    expect(classifyAudio(silence('0.90', '0.90') + time('01.00') + vol(-30), 0).state).toBe('silent');
    expect(classifyAudio(silence('0.89', '0.89') + time('01.00') + vol(-30), 0).state).toBe('audio');
  });

  it('is an error when ffmpeg failed or decoded nothing', () => {
    expect(classifyAudio('bad.ts: Invalid data found when processing input\n', 1)).toMatchObject({
      state: 'error',
      error: 'bad.ts: Invalid data found when processing input',
    });
    expect(classifyAudio(time('00.00'), 0).state).toBe('error');
  });
});
