import { execa } from 'execa';
import { mkdir, readFile, rm, symlink, truncate, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MAX_SEGMENT_BYTES, readSegmentBytes, readSegmentBytesNow, type SegmentRead } from '../../src/core/audio/segment-bytes.js';
import { segmentFileName } from '../../src/core/audio/segment-files.js';
import { generateCapture } from '../helpers/generate-capture.js';
import { generateSegments, type AudioSpan } from '../helpers/generate-segments.js';
import { makeTempDir, runVpt } from '../helpers/run-vpt.js';

/**
 * Segments an attacker or a broken disk can leave in `segments/`: a FIFO (a read would block
 * forever), /dev/zero behind a symlink (a read never ends), a sparse file over the 32 MiB bound, a
 * folder. Both readers (the live one, asynchronous, and the replay's, in one go) refuse each on its
 * descriptor before reading; a replay with audio skips them with one line each and hears the rest.
 */
type Hostile = 'fifo' | 'dev-zero' | 'huge' | 'folder';
const HOSTILE: readonly Hostile[] = ['fifo', 'dev-zero', 'huge', 'folder'];
/** A refusal answers at once; a read that blocked or never ended would be cut by this. */
const ANSWER_MS = 5_000;

async function plant(file: string, kind: Hostile): Promise<void> {
  await rm(file, { force: true, recursive: true });
  if (kind === 'fifo') await execa('mkfifo', [file]);
  else if (kind === 'dev-zero') await symlink('/dev/zero', file);
  else if (kind === 'folder') await mkdir(file);
  else {
    await writeFile(file, '');
    await truncate(file, MAX_SEGMENT_BYTES + 1);
  }
}

const refusal: Record<Hostile, RegExp> = {
  fifo: /is not a regular file/,
  'dev-zero': /is not a regular file/,
  folder: /is not a regular file/,
  huge: new RegExp(`is ${MAX_SEGMENT_BYTES + 1} bytes, over the ${MAX_SEGMENT_BYTES}-byte limit of a segment`),
};

async function withinAnswerTime(read: () => Promise<SegmentRead> | SegmentRead): Promise<SegmentRead> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error('the read did not answer')), ANSWER_MS)));
  try {
    return await Promise.race([Promise.resolve().then(read), late]);
  } finally {
    clearTimeout(timer);
  }
}

describe('segment readers', () => {
  let tmp: { dir: string; cleanup: () => Promise<void> };
  beforeAll(async () => {
    tmp = await makeTempDir('vpt-hostile-segment-');
  });
  afterAll(() => tmp.cleanup());

  const readers = [
    ['live (asynchronous)', readSegmentBytes],
    ['replay (in one go)', readSegmentBytesNow],
  ] as const;

  it.each(readers)('%s: a regular segment whole, a missing one as missing', async (_, read) => {
    const file = path.join(tmp.dir, 'regular.ts');
    const bytes = Buffer.from(Array.from({ length: 70_000 }, (_, i) => i % 251));
    await writeFile(file, bytes);
    expect(await read(file)).toEqual({ bytes });
    expect(await read(path.join(tmp.dir, 'absent.ts'))).toEqual({ missing: true });
  });

  for (const [name, read] of readers) {
    it.each(HOSTILE)(`${name}: %s refused at once, nothing read`, async (kind) => {
      const file = path.join(tmp.dir, `${kind}.ts`);
      await plant(file, kind);
      const got = await withinAnswerTime(() => read(file));
      expect(got).toEqual({ refused: expect.stringMatching(refusal[kind]) as unknown });
    });
  }
});

describe('vpt monitor --replay with hostile segments among good ones', () => {
  let root: { dir: string; cleanup: () => Promise<void> };
  let run: Awaited<ReturnType<typeof runVpt>>;
  let device: string;
  // 12 s of sound: a tone, a 4 s silence from 6 to 10 s, a tone; segments 1-4 replaced.
  const SOUND: AudioSpan[] = [
    { kind: 'tone', seconds: 6 },
    { kind: 'silence', seconds: 4 },
    { kind: 'tone', seconds: 2 },
  ];

  beforeAll(async () => {
    root = await makeTempDir('vpt-hostile-segments-replay-');
    device = path.join(root.dir, 'capture1');
    await generateCapture(device, [{ kind: 'moving', seconds: 12 }]);
    await generateSegments({ dir: path.join(device, 'segments'), audio: SOUND });
    for (const [i, kind] of HOSTILE.entries()) await plant(path.join(device, 'segments', segmentFileName(i + 1)), kind);
    run = await runVpt(['monitor', '--replay', '--stream-root', root.dir, '--json'], { timeoutMs: 120_000 });
  }, 240_000);
  afterAll(() => root?.cleanup());

  it('finishes, with one line per refused segment', () => {
    expect(run.exitCode, run.stderr).toBe(0);
    const skipped = run.stderr.split('\n').filter((l) => l.includes('audio segment skipped'));
    expect(skipped).toHaveLength(HOSTILE.length);
    for (const [i, kind] of HOSTILE.entries()) {
      expect(skipped[i]).toMatch(new RegExp(`^warning: \\[capture1\\] audio segment skipped: .*${segmentFileName(i + 1)} ${refusal[kind].source}`));
    }
  });

  it('hears the good segments after them, on the right clock: the 6-10 s silence is one audio_loss event', async () => {
    const summary = JSON.parse(run.stdout) as { devices: { first_time: string; events: { type: string; start: string; end: string | null }[] }[] };
    const first = Date.parse(summary.devices[0]!.first_time);
    const losses = summary.devices[0]!.events.filter((e) => e.type === 'audio_loss');
    expect(losses, JSON.stringify(summary.devices[0]!.events)).toHaveLength(1);
    expect(Math.abs((Date.parse(losses[0]!.start) - first) / 1000 - 6)).toBeLessThanOrEqual(0.2);
    expect(Math.abs((Date.parse(losses[0]!.end!) - first) / 1000 - 10)).toBeLessThanOrEqual(0.2);
    // A frame in the last good second carries the sound it heard.
    const json = JSON.parse(await readFile(path.join(device, 'metadata', 'capture_000000055.json'), 'utf8')) as { audio: unknown };
    expect(json.audio).toBe(true);
  });
});
