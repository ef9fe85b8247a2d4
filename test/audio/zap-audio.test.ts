import { access, mkdir, readdir, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { segmentPath, segmentRangeForFrames } from '../../src/core/audio/segment-files.js';
import { ZAP_MAX_SEGMENTS, checkZapAudio, concatList, confirmZap } from '../../src/core/audio/zap-audio.js';
import { isZapCandidate } from '../../src/core/events/event-tracker.js';
import { runProgram } from '../../src/core/process/process-runner.js';
import { generateSegments } from '../helpers/generate-segments.js';
import { makeTempDir } from '../helpers/run-vpt.js';

const FPS = 5;
let root: { dir: string; cleanup: () => Promise<void> };
let zapDir: string;
let toneDir: string;
let videoOnlyDir: string;
let tempDir: string;

beforeAll(async () => {
  root = await makeTempDir('vpt-zap-audio-');
  zapDir = path.join(root.dir, 'zap', 'segments');
  toneDir = path.join(root.dir, 'tone', 'segments');
  videoOnlyDir = path.join(root.dir, 'video', 'segments');
  tempDir = path.join(root.dir, 'vpt-tmp');
  await mkdir(tempDir);
  await Promise.all([
    // A channel change: sound, 1.5 s of silence while the screen is black, sound again.
    generateSegments({
      dir: zapDir,
      audio: [
        { kind: 'tone', seconds: 4 },
        { kind: 'silence', seconds: 1.5 },
        { kind: 'tone', seconds: 4.5 },
      ],
    }),
    generateSegments({ dir: toneDir, audio: [{ kind: 'tone', seconds: 10 }] }),
    generateSegments({ dir: videoOnlyDir, audio: 'none', seconds: 6 }),
  ]);
}, 120_000);

afterAll(async () => {
  await root?.cleanup();
});

/** The event's segments plus one after, as the monitor asks for them. */
const eventSegments = (dir: string, firstFrame: number, lastFrame: number) => segmentRangeForFrames(firstFrame, lastFrame, FPS).map((i) => segmentPath(dir, i));

describe('zap candidates and confirmation', () => {
  it('takes blackscreen and freeze events under 10 s only', () => {
    expect(isZapCandidate('blackscreen', 9_999)).toBe(true);
    expect(isZapCandidate('freeze', 2_000)).toBe(true);
    expect(isZapCandidate('blackscreen', 10_000)).toBe(false);
    expect(isZapCandidate('audio_loss', 2_000)).toBe(false);
  });

  it('confirms a zap when the banner was seen and the audio dropped (or is unknown)', () => {
    expect(confirmZap(true, false)).toBe(true);
    expect(confirmZap(true, null)).toBe(true);
    expect(confirmZap(true, true)).toBe(false);
    expect(confirmZap(false, false)).toBe(false);
  });

  it("writes the concat demuxer's quoting", () => {
    expect(concatList(['/a/segment_000000001.ts', "/b/it's.ts"])).toBe("file '/a/segment_000000001.ts'\nfile '/b/it'\\''s.ts'\n");
  });
});

describe('checkZapAudio (real ffmpeg)', () => {
  it('finds the audio drop of a channel change, and leaves no temp file', async () => {
    // Black from 4.0 s to 5.4 s: frames 20..27.
    const result = await checkZapAudio(eventSegments(zapDir, 20, 27), tempDir, { device: 'capture1' });
    expect(result.state).toBe('checked');
    expect(result.continuousAudio).toBe(false);
    expect(result.silenceDurationMs).toBeGreaterThan(1_000);
    expect(result.silenceDurationMs).toBeLessThan(2_000);
    expect(result.segments.map((s) => path.basename(s))).toEqual(['segment_000000004.ts', 'segment_000000005.ts', 'segment_000000006.ts']);
    expect(await readdir(tempDir)).toEqual([]);
  });

  it('says continuous audio for dark content with sound running through', async () => {
    const result = await checkZapAudio(eventSegments(toneDir, 20, 27), tempDir, { device: 'capture1' });
    expect(result).toMatchObject({ state: 'checked', continuousAudio: true, silenceDurationMs: 0 });
    expect(await readdir(tempDir)).toEqual([]);
  });

  it("reports segments without audio as 'no_audio_stream', unknown rather than a drop", async () => {
    const result = await checkZapAudio(eventSegments(videoOnlyDir, 10, 15), tempDir, { device: 'capture2' });
    expect(result).toMatchObject({ state: 'no_audio_stream', continuousAudio: null });
    expect(await readdir(tempDir)).toEqual([]);
  });

  it("reports 'no_segments' when none of the range exists (rotated away)", async () => {
    const result = await checkZapAudio([segmentPath(zapDir, 500), segmentPath(zapDir, 501)], tempDir, { device: 'capture1' });
    expect(result).toEqual({ state: 'no_segments', continuousAudio: null, silenceDurationMs: 0, segments: [] });
  });

  it('refuses more segments than a zap candidate can span', async () => {
    const many = Array.from({ length: ZAP_MAX_SEGMENTS + 1 }, (_, i) => segmentPath(zapDir, i));
    await expect(checkZapAudio(many, tempDir, { device: 'capture1' })).rejects.toThrow(RangeError);
  });

  it('refuses a second concurrent check of the same device without touching the first one’s files', async () => {
    const list = path.join(tempDir, 'capture9_concat_list.txt');
    await writeFile(list, 'held by a running check\n');
    const result = await checkZapAudio(eventSegments(zapDir, 20, 27), tempDir, { device: 'capture9' });
    expect(result.state).toBe('error');
    expect(result.error).toMatch(/already running/);
    await expect(access(list)).resolves.toBeUndefined();
    await rm(list);
  });
});

describe('temp files when ffmpeg dies mid-merge', () => {
  /**
   * A FIFO at the end of the list: ffmpeg starts writing the merge from the
   * real segments, then blocks opening the FIFO, mid-merge, until killed.
   * Ten real segments first, so ffmpeg's stream probing (5 s of media) is
   * done and the output open before it reaches the FIFO.
   */
  async function stalledRange(name: string): Promise<string[]> {
    const fifo = path.join(root.dir, `${name}.ts`);
    const made = await runProgram('mkfifo', [fifo]);
    expect(made.exitCode).toBe(0);
    return [...Array.from({ length: 10 }, (_, i) => segmentPath(zapDir, i)), fifo];
  }

  const merged = (device: string) => path.join(tempDir, `${device}_audio_check.ts`);
  const appears = (file: string) => vi.waitFor(() => access(file), { timeout: 15_000, interval: 50 });

  it('removes the concat list and the partial merge after a kill -9 of ffmpeg', async () => {
    const pids: number[] = [];
    const check = checkZapAudio(await stalledRange('stall-kill'), tempDir, {
      device: 'capture3',
      onSpawn: (pid) => pid !== undefined && pids.push(pid),
    });
    await appears(merged('capture3'));
    expect(await readdir(tempDir)).toEqual(expect.arrayContaining(['capture3_concat_list.txt', 'capture3_audio_check.ts']));
    process.kill(pids[0]!, 'SIGKILL');
    const result = await check;
    expect(result).toMatchObject({ state: 'error', continuousAudio: null });
    expect(result.error).toMatch(/SIGKILL/);
    expect(await readdir(tempDir)).toEqual([]);
  }, 30_000);

  it('removes them when the monitor aborts the check (shutdown)', async () => {
    const controller = new AbortController();
    const check = checkZapAudio(await stalledRange('stall-abort'), tempDir, { device: 'capture4', signal: controller.signal });
    await appears(merged('capture4'));
    controller.abort();
    const result = await check;
    expect(result.state).toBe('error');
    expect(await readdir(tempDir)).toEqual([]);
  }, 30_000);
});
