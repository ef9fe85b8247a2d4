import { mkdir, readdir, symlink } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateCapture } from '../helpers/generate-capture.js';
import { feedFrames, startMonitor, type MonitorProcess } from '../helpers/live-monitor-process.js';
import { makeTempDir } from '../helpers/run-vpt.js';

/**
 * A host without ffmpeg, where a user meets it: the live monitor opens its
 * incident as ever, says once that incidents get no clip, and goes on.
 */
let root: string;
let cleanup: () => Promise<void>;
let m: MonitorProcess | undefined;

beforeAll(async () => {
  ({ dir: root, cleanup } = await makeTempDir('vpt-clip-noffmpeg-'));
  await generateCapture(path.join(root, 'src'), [
    { kind: 'moving', seconds: 2 },
    { kind: 'black', seconds: 6 },
    { kind: 'moving', seconds: 2 },
  ]);
  // A PATH with node and nothing else.
  await mkdir(path.join(root, 'bin'));
  await symlink(process.execPath, path.join(root, 'bin', 'node'));
}, 120_000);
afterAll(async () => {
  if (m && m.child.exitCode === null) m.child.kill('SIGKILL');
  await m?.child;
  await cleanup();
});

describe('incident clips without ffmpeg (binary)', () => {
  it('one warning, no clip, the incidents open and resolve as ever', async () => {
    const stream = path.join(root, 'stream');
    await mkdir(path.join(stream, 'capture1', 'captures'), { recursive: true });
    m = startMonitor(
      [
        '--stream-root',
        stream,
        '--state-dir',
        path.join(root, 'state'),
        '--devices',
        'capture1',
        '--no-audio',
        '--min-event',
        '1s',
        '--incident-delay',
        '2s',
        '--listen',
        'off',
      ],
      { TMPDIR: root, PATH: path.join(root, 'bin') },
    );
    await m.waitForStderr(/^monitoring capture1 under /);
    await feedFrames(path.join(root, 'src'), path.join(stream, 'capture1'), { rate: 10 });
    const opened = await m.waitForEvent((e) => e.event === 'incident_opened', 'the blackscreen incident');
    await m.waitForEvent((e) => e.event === 'incident_resolved' && e.incident_id === opened.incident_id, 'its resolution');
    await m.waitForStderr(/^warning: clips: ffmpeg is not installed or not on PATH; incidents get no clip \(their evidence stills are kept\)$/, 30_000);
    m.child.kill('SIGTERM');
    expect((await m.child).exitCode).toBe(0);
    expect(m.stderr.filter((l) => l.includes('clips:'))).toHaveLength(1);
    expect(await readdir(path.join(stream, 'capture1'))).not.toContain('clips');
  }, 120_000);
});
