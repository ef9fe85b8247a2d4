import { execa } from 'execa';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateCapture, type Episode, type GeneratedCapture } from '../helpers/generate-capture.js';
import { makeTempDir, runVpt } from '../helpers/run-vpt.js';

/**
 * Issue 3 acceptance: on a capture generated the farm's way with known
 * episodes, replay finds each episode within one second of where it is and
 * nothing else; and ffmpeg's own freezedetect/blackdetect agree.
 */

const TOLERANCE_S = 1;
const SCRIPT = [
  { kind: 'moving', seconds: 4 },
  { kind: 'held', seconds: 6 },
  { kind: 'moving', seconds: 3 },
  { kind: 'black', seconds: 6 },
  { kind: 'moving', seconds: 2 },
  { kind: 'banner', seconds: 3 },
  { kind: 'moving', seconds: 2 },
] as const;

interface Span {
  startS: number;
  endS: number;
}
interface Summary {
  devices: {
    frames: number;
    errors: number;
    events: { type: string; start: string; end: string | null; ongoing: boolean }[];
    zaps: { start: string; end: string | null }[];
    zap_candidates: { type: string; start: string; end: string }[];
  }[];
}

describe('replay of a generated capture with known episodes', () => {
  let root: { dir: string; cleanup: () => Promise<void> };
  let capture: GeneratedCapture;
  let summary: Summary;
  /** Seconds since the first frame, from the summary's ISO times. */
  let rel: (iso: string | null) => number;

  beforeAll(async () => {
    root = await makeTempDir('vpt-replay-gen-');
    capture = await generateCapture(path.join(root.dir, 'capture1'), SCRIPT);
    rel = (iso) => (Date.parse(iso!) - capture.firstMtimeMs) / 1000;
    const run = await runVpt(['monitor', '--replay', '--stream-root', root.dir, '--json'], { timeoutMs: 120_000 });
    expect(run.stderr).toBe('');
    expect(run.exitCode).toBe(0);
    summary = JSON.parse(run.stdout) as Summary;
  }, 240_000);
  afterAll(() => root.cleanup());

  const episodes = (kind: Episode['kind']) => capture.episodes.filter((e) => e.kind === kind);
  const expectSpans = (found: Span[], truth: Span[], what: string) => {
    expect(found.length, `${what}: ${JSON.stringify(found)} vs ${JSON.stringify(truth)}`).toBe(truth.length);
    found.forEach((f, i) => {
      expect(Math.abs(f.startS - truth[i]!.startS), `${what} ${i} start`).toBeLessThanOrEqual(TOLERANCE_S);
      expect(Math.abs(f.endS - truth[i]!.endS), `${what} ${i} end`).toBeLessThanOrEqual(TOLERANCE_S);
    });
  };

  it('analyses every frame of the capture', () => {
    expect(summary.devices[0]!.frames).toBe(capture.frames);
    expect(capture.frames).toBe(26 * 5);
    expect(summary.devices[0]!.errors).toBe(0);
  });

  it('finds the held picture as a freeze and the black episode as a blackscreen, within 1 s, and no other event', () => {
    const events = summary.devices[0]!.events;
    expect(events.every((e) => !e.ongoing)).toBe(true);
    const of = (type: string) => events.filter((e) => e.type === type).map((e) => ({ startS: rel(e.start), endS: rel(e.end) }));
    expectSpans(of('freeze'), episodes('held'), 'freeze');
    // The 3 s banner episode is black too, but shorter than --min-event: a zap, not a blackscreen event.
    expectSpans(of('blackscreen'), episodes('black'), 'blackscreen');
    expect(events).toHaveLength(2);
  });

  it('finds the black screen with a banner as the only zap, within 1 s', () => {
    const zaps = summary.devices[0]!.zaps.map((z) => ({ startS: rel(z.start), endS: rel(z.end) }));
    expectSpans(zaps, episodes('banner'), 'zap');
  });

  it('reports every blackscreen/freeze sequence under 10 s as a zap candidate, and only those', () => {
    const candidates = summary.devices[0]!.zap_candidates.map((c) => ({ type: c.type, startS: rel(c.start), endS: rel(c.end) }));
    expectSpans(
      candidates.filter((c) => c.type === 'freeze'),
      episodes('held'),
      'freeze candidate',
    );
    expectSpans(
      candidates.filter((c) => c.type === 'blackscreen'),
      [...episodes('black'), ...episodes('banner')].sort((a, b) => a.startS - b.startS),
      'blackscreen candidate',
    );
  });

  it("agrees with ffmpeg's own freezedetect and blackdetect on the source", async () => {
    // blackdetect tuned to the design's blackscreen: a pixel is dark near luma 10 (pix_th 0.05
    // of the limited range), a picture is black when 85% of it is dark.
    const { stderr } = await execa(
      'ffmpeg',
      ['-hide_banner', '-nostats', '-i', capture.sourcePath, '-vf', 'blackdetect=d=0.5:pix_th=0.05:pic_th=0.85,freezedetect=n=-60dB:d=2', '-f', 'null', '-'],
      { timeout: 120_000 },
    );
    const blacks = [...stderr.matchAll(/black_start:([\d.]+) black_end:([\d.]+)/g)].map((m) => ({ startS: Number(m[1]), endS: Number(m[2]) }));
    const starts = [...stderr.matchAll(/freeze_start: ([\d.]+)/g)].map((m) => Number(m[1]));
    const ends = [...stderr.matchAll(/freeze_end: ([\d.]+)/g)].map((m) => Number(m[1]));
    const freezes = starts.map((s, i) => ({ startS: s, endS: ends[i] ?? capture.episodes.at(-1)!.endS }));
    // ffmpeg sees every black picture as frozen too; vpt's priority rule (blackscreen suppresses
    // freeze) reports those as blackscreen only, so compare the freezes outside black intervals.
    const inBlack = (f: Span) => blacks.some((b) => f.startS >= b.startS - TOLERANCE_S && f.endS <= b.endS + TOLERANCE_S);
    const ffFreezes = freezes.filter((f) => !inBlack(f));

    const d = summary.devices[0]!;
    const ourBlack = [...d.events.filter((e) => e.type === 'blackscreen'), ...d.zap_candidates.filter((c) => c.type === 'blackscreen')]
      .map((e) => ({ startS: rel(e.start), endS: rel(e.end) }))
      // An event ended under 10 s is also a zap candidate: the same sequence once.
      .filter((s, i, all) => all.findIndex((o) => o.startS === s.startS) === i)
      .sort((a, b) => a.startS - b.startS);
    const ourFreeze = d.events.filter((e) => e.type === 'freeze').map((e) => ({ startS: rel(e.start), endS: rel(e.end) }));

    expect(blacks.length).toBeGreaterThan(0);
    expect(ffFreezes.length).toBeGreaterThan(0);
    expectSpans(ourBlack, blacks, 'blackscreen vs blackdetect');
    expectSpans(ourFreeze, ffFreezes, 'freeze vs freezedetect');
  });
});
