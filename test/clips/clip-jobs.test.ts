import { execa } from 'execa';
import { chmod, mkdir, readdir, readFile, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CLIP_QUEUE_LIMIT, ClipJobs, type ClipJobsOptions } from '../../src/core/clips/clip-jobs.js';
import { CLIP_MAX_FRAMES, clipWindow } from '../../src/core/clips/clip-window.js';
import { evidenceClips } from '../../src/core/clips/clip-files.js';
import type { Incident } from '../../src/core/incidents/incident.js';
import { createLogger } from '../../src/core/logger.js';
import { generateCapture } from '../helpers/generate-capture.js';
import { makeTempDir } from '../helpers/run-vpt.js';

/**
 * Incident clips on real thumbnails with Debian's ffmpeg: the window, the
 * file a browser plays (H.264, yuv420p, index first), one ffmpeg at a time at
 * the lowest priority, the bounds (queue, time, size) and a missing ffmpeg.
 */
let root: string;
let cleanup: () => Promise<void>;
let stream: string;
const ORIGINAL_PATH = process.env.PATH;

beforeAll(async () => {
  ({ dir: root, cleanup } = await makeTempDir('vpt-clips-'));
  stream = path.join(root, 'stream');
  // 60 frames at 5 fps, cold layout (no hot/): the thumbnails a clip is made of.
  await generateCapture(path.join(stream, 'capture1'), [
    { kind: 'moving', seconds: 6 },
    { kind: 'black', seconds: 6 },
  ]);
}, 120_000);
afterAll(async () => {
  process.env.PATH = ORIGINAL_PATH;
  await cleanup();
});

const thumb = (s: number) => path.join(stream, 'capture1', 'thumbnails', `capture_${String(s).padStart(9, '0')}_thumbnail.jpg`);

function incident(id: number, centre: number, extra: Partial<Incident> = {}): Incident {
  return {
    id,
    device: 'capture1',
    type: 'blackscreen',
    status: 'open',
    eventStartAt: Date.now() - 60_000,
    openedAt: Date.now(),
    evidence: [thumb(centre - 1), thumb(centre)],
    metadata: {},
    ...extra,
  };
}

function jobs(incidents: Map<number, Incident>, options: Partial<ClipJobsOptions> = {}) {
  const lines: string[] = [];
  const recorded: [number, string][] = [];
  const clips = new ClipJobs({
    streamRoot: stream,
    incident: (id) => incidents.get(id),
    deviceFps: () => 5,
    record: (id, file) => recorded.push([id, file]) > 0,
    logger: createLogger({ level: 'debug', write: (l) => void lines.push(l) }),
    ...options,
  });
  return { clips, lines, recorded };
}

/** A wrapper ffmpeg first on PATH: logs its start (with its niceness) and end, then runs the real one; a version probe passes straight through. */
async function wrapperFfmpeg(dir: string, log: string, before = ''): Promise<void> {
  await mkdir(dir, { recursive: true });
  const script = `#!/bin/sh
case "$*" in *-version*) exec /usr/bin/ffmpeg "$@";; esac
${before}
sleep 0.3
echo "start $$ $(ps -o ni= -p $$ | tr -d ' ')" >> '${log}'
/usr/bin/ffmpeg "$@"
rc=$?
echo "end $$" >> '${log}'
exit $rc
`;
  await writeFile(path.join(dir, 'ffmpeg'), script);
  await chmod(path.join(dir, 'ffmpeg'), 0o755);
}

describe('clipWindow', () => {
  it('10 s before to 10 s after, every frame at 5 fps, every 5th at 25 fps, never more than CLIP_MAX_FRAMES', () => {
    const w = clipWindow(100, 5);
    expect(w.fps).toBe(5);
    expect(w.sequences[0]).toBe(50);
    expect(w.sequences).toHaveLength(CLIP_MAX_FRAMES);
    const fast = clipWindow(1000, 25);
    expect(fast.fps).toBe(5);
    expect(fast.sequences[1]! - fast.sequences[0]!).toBe(5);
    expect(fast.sequences.length).toBeLessThanOrEqual(CLIP_MAX_FRAMES);
    expect(clipWindow(3, 5).sequences[0]).toBe(0);
    expect(clipWindow(100, 2)).toMatchObject({ fps: 2 });
  });
});

describe('ClipJobs', () => {
  it('makes a start clip a browser plays, records it as evidence, one ffmpeg at a time at niceness 19', async () => {
    const log = path.join(root, 'ffmpeg-runs.log');
    await wrapperFfmpeg(path.join(root, 'bin-wrap'), log);
    process.env.PATH = `${path.join(root, 'bin-wrap')}:${ORIGINAL_PATH}`;
    try {
      const incidents = new Map([
        [1, incident(1, 30)],
        [2, incident(2, 35)],
        [3, incident(3, 40)],
      ]);
      const { clips, recorded, lines } = jobs(incidents);
      for (const id of [1, 2, 3]) clips.incidentChanged('incident_opened', id);
      await clips.idle();
      expect(
        recorded.map(([id]) => id),
        lines.join('\n'),
      ).toEqual([1, 2, 3]);
      const file = recorded[0]![1];
      expect(file).toBe(path.join(stream, 'capture1', 'clips', 'incident_1_start.mp4'));
      expect(evidenceClips([file])).toEqual([{ path: file, phase: 'start' }]);
      const probe = await execa('ffprobe', ['-v', 'error', '-count_frames', '-show_entries', 'stream=codec_name,pix_fmt,nb_read_frames', '-of', 'json', file]);
      const s = (JSON.parse(probe.stdout) as { streams: { codec_name: string; pix_fmt: string; nb_read_frames: string }[] }).streams[0]!;
      // Frames 0..59 exist: the window 0..80 finds all 60 of them.
      expect(s).toEqual({ codec_name: 'h264', pix_fmt: 'yuv420p', nb_read_frames: '60' });
      // +faststart: the moov box comes before mdat.
      const head = (await readFile(file)).subarray(0, 4096).toString('latin1');
      expect(head.indexOf('moov')).toBeGreaterThan(0);
      expect(head.indexOf('moov')).toBeLessThan(head.indexOf('mdat') === -1 ? Infinity : head.indexOf('mdat'));
      // Never two at once: start, end, start, end; each at the lowest priority.
      const runs = (await readFile(log, 'utf8')).trim().split('\n');
      expect(runs.map((l) => l.split(' ')[0])).toEqual(['start', 'end', 'start', 'end', 'start', 'end']);
      expect(runs.filter((l) => l.startsWith('start')).map((l) => l.split(' ')[2])).toEqual(['19', '19', '19']);
      expect(lines.some((l) => /\[capture1\] incident #1: start clip of 60 frames \(\d+ KB, \d+ ms\): /.test(l))).toBe(true);
      // No temp file left beside the clips.
      expect((await readdir(path.dirname(file))).sort()).toEqual(['incident_1_start.mp4', 'incident_2_start.mp4', 'incident_3_start.mp4']);
    } finally {
      process.env.PATH = ORIGINAL_PATH;
    }
  }, 60_000);

  it('waits: at most CLIP_QUEUE_LIMIT clips queue up, the oldest waiting one is dropped with one line', async () => {
    const incidents = new Map(Array.from({ length: CLIP_QUEUE_LIMIT + 3 }, (_, i) => [i + 1, incident(i + 1, 30, { eventStartAt: Date.now() })] as const));
    const { clips, lines } = jobs(new Map(incidents));
    for (const id of incidents.keys()) clips.incidentChanged('incident_opened', id);
    // Their frames after the start are still to come: all wait, none has started.
    expect(clips.waiting).toBe(CLIP_QUEUE_LIMIT);
    expect(lines.filter((l) => l.includes(`more than ${CLIP_QUEUE_LIMIT} waiting`))).toHaveLength(1);
    await clips.stop();
    expect(clips.waiting).toBe(0);
  });

  it('bounds: a clip over the size limit or the time limit is not kept, and leaves no temp file', async () => {
    const incidents = new Map([[7, incident(7, 30)]]);
    const big = jobs(incidents, { limits: { timeoutMs: 30_000, maxBytes: 2_000 } });
    big.clips.incidentChanged('incident_opened', 7);
    await big.clips.idle();
    expect(big.recorded).toEqual([]);
    expect(big.lines.join('\n')).toMatch(/\[capture1\] incident #7: no start clip: the clip reached the size limit \(2000 bytes\)/);

    await wrapperFfmpeg(path.join(root, 'bin-slow'), path.join(root, 'slow.log'), 'exec sleep 20');
    process.env.PATH = `${path.join(root, 'bin-slow')}:${ORIGINAL_PATH}`;
    try {
      const slow = jobs(incidents, { limits: { timeoutMs: 1_000, maxBytes: 4_000_000 } });
      slow.clips.incidentChanged('incident_opened', 7);
      await slow.clips.idle();
      expect(slow.recorded).toEqual([]);
      expect(slow.lines.join('\n')).toMatch(/no start clip: ffmpeg took more than 1 s \(the limit\)/);
    } finally {
      process.env.PATH = ORIGINAL_PATH;
    }
    const left = await readdir(path.join(stream, 'capture1', 'clips'));
    expect(left.filter((n) => n.includes('incident_7'))).toEqual([]);
  }, 60_000);

  it('ffmpeg missing: one line, no clip, later incidents are skipped quietly', async () => {
    await mkdir(path.join(root, 'empty-bin'), { recursive: true });
    process.env.PATH = path.join(root, 'empty-bin');
    try {
      const incidents = new Map([
        [8, incident(8, 30)],
        [9, incident(9, 35)],
      ]);
      const { clips, lines, recorded } = jobs(incidents);
      clips.incidentChanged('incident_opened', 8);
      await clips.idle();
      clips.incidentChanged('incident_opened', 9);
      await clips.idle();
      expect(recorded).toEqual([]);
      const warnings = lines.filter((l) => l.startsWith('warning:'));
      expect(warnings).toEqual(['warning: clips: ffmpeg is not installed or not on PATH; incidents get no clip (their evidence stills are kept)\n']);
    } finally {
      process.env.PATH = ORIGINAL_PATH;
    }
  });

  it('an incident pruned meanwhile: its clip is not kept (no incident would list it for pruning)', async () => {
    const { clips, lines } = jobs(new Map([[12, incident(12, 30)]]), { record: () => false });
    clips.incidentChanged('incident_opened', 12);
    await clips.idle();
    expect(await readdir(path.join(stream, 'capture1', 'clips'))).not.toContain('incident_12_start.mp4');
    expect(lines.filter((l) => l.includes('start clip of'))).toEqual([]);
  }, 60_000);

  it('a database that cannot be read: one line, no throw into the incident path; a restart resolution gets no end clip', async () => {
    const { clips, lines } = jobs(new Map(), {
      incident: () => {
        throw new Error('database disk image is malformed');
      },
    });
    expect(() => clips.incidentChanged('incident_opened', 4)).not.toThrow();
    expect(lines).toEqual(['warning: clips: incident #4 gets no clip: database disk image is malformed\n']);
    const restart = jobs(new Map([[5, incident(5, 30, { status: 'resolved', resolveReason: 'restart', resolvedAt: Date.now() })]]));
    restart.clips.incidentChanged('incident_resolved', 5);
    expect(restart.clips.waiting).toBe(0);
  });

  it('an end clip centres on the last evidence frame; with too few frames left there is one line and no clip', async () => {
    const resolved = incident(10, 30, {
      status: 'resolved',
      resolveReason: 'cleared',
      resolvedAt: Date.now() - 60_000,
      evidence: [thumb(29), thumb(30), thumb(55)],
    });
    const gone = incident(11, 30, { evidence: [path.join(stream, 'capture1', 'thumbnails', 'capture_000005000_thumbnail.jpg')] });
    const { clips, recorded, lines } = jobs(
      new Map([
        [10, resolved],
        [11, gone],
      ]),
    );
    clips.incidentChanged('incident_resolved', 10);
    clips.incidentChanged('incident_opened', 11);
    await clips.idle();
    expect(recorded).toEqual([[10, path.join(stream, 'capture1', 'clips', 'incident_10_end.mp4')]]);
    expect((await stat(recorded[0]![1])).size).toBeGreaterThan(1000);
    expect(lines.join('\n')).toContain('[capture1] incident #11: no start clip: only 0 frames around #5000 are left');
  }, 60_000);
});
