import { execa } from 'execa';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { audioLeadMs, firstPts } from '../../src/core/audio/ts-first-pts.js';
import { generateSegments } from '../helpers/generate-segments.js';
import { makeTempDir } from '../helpers/run-vpt.js';

/** ffprobe's start time of each stream of a segment, in 90 kHz ticks. */
async function probeStarts(file: string): Promise<{ audio: number; video: number }> {
  const probe = await execa('ffprobe', ['-v', 'error', '-show_entries', 'stream=codec_type,start_pts', '-of', 'json', file], { timeout: 20_000 });
  const streams = (JSON.parse(probe.stdout) as { streams: { codec_type: string; start_pts: number }[] }).streams;
  return { audio: streams.find((s) => s.codec_type === 'audio')!.start_pts, video: streams.find((s) => s.codec_type === 'video')!.start_pts };
}

describe('where a segment sound starts against its picture (MPEG-TS PES timestamps)', () => {
  let root: { dir: string; cleanup: () => Promise<void> };
  const codecs: [string, string[]][] = [
    ['aac', ['-c:a', 'aac']],
    ['ac3', ['-c:a', 'ac3']],
    ['mp2', ['-c:a', 'mp2']],
  ];
  const segments = new Map<string, string[]>();
  beforeAll(async () => {
    root = await makeTempDir('vpt-ts-pts-');
    for (const [name, audioCodec] of codecs) {
      segments.set(name, await generateSegments({ dir: path.join(root.dir, name), audio: [{ kind: 'tone', seconds: 8 }], audioCodec }));
    }
  }, 120_000);
  afterAll(() => root?.cleanup());

  it.each(codecs.map(([name]) => [name]))('%s: the first audio and video PTS are ffprobe start times, in every segment', async (name) => {
    for (const file of segments.get(name)!.slice(0, 6)) {
      const bytes = await readFile(file);
      const starts = await probeStarts(file);
      expect(firstPts(bytes), path.basename(file)).toEqual(starts);
      const lead = (starts.video - starts.audio) / 90;
      expect(audioLeadMs(bytes)).toBeCloseTo(Math.max(0, lead), 6);
    }
    // The muxer's interleaving makes the lead vary from segment to segment: that is what is corrected.
    const leads = await Promise.all(segments.get(name)!.map(async (f) => audioLeadMs(await readFile(f))));
    expect(Math.max(...leads)).toBeGreaterThan(0);
  });

  it('not a transport stream, cut short, or without a PAT: no lead (the stream is placed as before)', async () => {
    const good = await readFile(segments.get('aac')![1]!);
    expect(audioLeadMs(Buffer.from('not a transport stream at all, just text that goes on for a while'.repeat(10)))).toBe(0);
    expect(audioLeadMs(good.subarray(0, 100))).toBe(0);
    expect(audioLeadMs(Buffer.alloc(188 * 20))).toBe(0);
    // Its packets without the PAT (the first packet): the PMT is never found.
    const noPat = Buffer.from(good);
    for (let at = 0; at < noPat.length; at += 188) if (((noPat[at + 1]! & 0x1f) << 8) + noPat[at + 2]! === 0) noPat[at + 2] = 0x11;
    expect(firstPts(noPat)).toEqual({});
  });
});
