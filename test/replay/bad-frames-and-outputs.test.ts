import { execa } from 'execa';
import { copyFile, mkdir, readdir, readFile, rm, stat, truncate, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { buildFixtureDevice, FIXTURE } from '../helpers/fixture-tree.js';
import { makeTempDir, runVpt, VPT_BIN } from '../helpers/run-vpt.js';

const stem = (seq: number) => `capture_${String(seq).padStart(9, '0')}`;

describe('vpt monitor --replay: bad frames, JSON merging, chunk files', () => {
  let root: { dir: string; cleanup: () => Promise<void> };
  let device: string;
  const frameJson = async (seq: number) => JSON.parse(await readFile(path.join(device, 'metadata', `${stem(seq)}.json`), 'utf8')) as Record<string, unknown>;

  beforeEach(async () => {
    root = await makeTempDir('vpt-replay-bad-');
    device = path.join(root.dir, 'capture1');
    await buildFixtureDevice(
      device,
      Array.from({ length: 12 }, (_, i) => (i % 2 ? FIXTURE.subtitles : FIXTURE.menu)),
    );
  }, 120_000);
  afterEach(() => root.cleanup());

  it('reports each bad frame by name in one line, keeps going, and writes "error" in its JSON; a missing thumbnail is no bad frame', async () => {
    const cap = (seq: number) => path.join(device, 'captures', `${stem(seq)}.jpg`);
    const thumb = (seq: number) => path.join(device, 'thumbnails', `${stem(seq)}_thumbnail.jpg`);
    // 2: zero bytes; 4: truncated; 6: not a JPEG; 8: thumbnail missing (the capture is fine).
    await writeFile(cap(2), '');
    await writeFile(thumb(2), '');
    await truncate(cap(4), 3000);
    await truncate(thumb(4), 1500);
    await writeFile(cap(6), 'this is not a picture\n');
    await writeFile(thumb(6), 'neither is this\n');
    await rm(thumb(8));

    const run = await runVpt(['monitor', '--replay', '--stream-root', root.dir, '--json'], { timeoutMs: 120_000 });
    expect(run.exitCode).toBe(1);
    const lines = run.stderr.trim().split('\n');
    expect(lines).toHaveLength(5);
    expect(lines[0]).toMatch(/capture1.*capture_000000002\.jpg.*empty file/);
    expect(lines[1]).toMatch(/capture1.*capture_000000004\.jpg.*truncated/);
    expect(lines[2]).toMatch(/capture1.*capture_000000006\.jpg.*not a JPEG/);
    // The thumbnail state changes are one line each, not a bad frame.
    expect(lines[3]).toBe(
      'warning: [capture1] no thumbnail from capture_000000008.jpg on: analysing the captures instead (said once until thumbnails are back)',
    );
    expect(lines[4]).toMatch(/\[capture1\] thumbnails back at capture_000000009\.jpg \(1 frames analysed from the capture\)$/);

    const summary = JSON.parse(run.stdout);
    expect(summary.devices[0]).toMatchObject({ frames: 12, analysed: 9, errors: 3, without_thumbnail: 1 });
    for (const seq of [2, 4, 6]) {
      const json = await frameJson(seq);
      expect(json.analyzed, `frame ${seq}`).toBe(false);
      expect(typeof json.error).toBe('string');
      expect(json).not.toHaveProperty('blackscreen');
    }
    // Thumbnail missing: analysed from the capture, and the JSON says what was wrong.
    expect(await frameJson(8)).toMatchObject({ analyzed: true, source: 'capture', blackscreen: false, error: expect.stringMatching(/thumbnail missing/) });
    expect(await frameJson(11)).toMatchObject({ analyzed: true, source: 'thumbnail' });
    expect(await frameJson(11)).not.toHaveProperty('error');
  }, 120_000);

  it('frames with no thumbnails at all: one line, not bad frames, exit 0 (every frame analysed from its capture)', async () => {
    await rm(path.join(device, 'thumbnails'), { recursive: true });
    const run = await runVpt(['monitor', '--replay', '--stream-root', root.dir, '--json'], { timeoutMs: 120_000 });
    expect(run.stderr.trim().split('\n')).toEqual([
      'warning: [capture1] no thumbnail from capture_000000000.jpg on: analysing the captures instead (said once until thumbnails are back)',
    ]);
    expect(run.exitCode).toBe(0);
    const summary = JSON.parse(run.stdout);
    expect(summary).toMatchObject({ frames: 12, errors: 0, without_thumbnail: 12 });
    expect(summary.devices[0]).toMatchObject({ frames: 12, analysed: 12, errors: 0, without_thumbnail: 12 });
    expect(await frameJson(0)).toMatchObject({ analyzed: true, source: 'capture', error: 'thumbnail missing: analysed the capture instead' });

    const human = await runVpt(['monitor', '--replay', '--stream-root', root.dir], { timeoutMs: 120_000 });
    expect(human.exitCode).toBe(0);
    expect(human.stdout).toMatch(/^ {2}12 frames without thumbnail: the capture was analysed instead$/m);
    expect(human.stdout).toMatch(/no bad frames/);
  }, 120_000);

  it('a metadata folder that is read-only: one line naming the file, every frame still analysed with its events, exit 1', async () => {
    const metadata = path.join(device, 'metadata');
    await mkdir(metadata, { recursive: true });
    // A read-only bind mount in a private mount namespace: root ignores file modes, not EROFS.
    const ro = 'mount --bind "$0" "$0" && mount -o remount,bind,ro "$0" && exec "$@"';
    const run = await execa(
      'unshare',
      ['--mount', '--propagation', 'private', 'sh', '-c', ro, metadata, VPT_BIN, 'monitor', '--replay', '--stream-root', root.dir, '--json', '--no-audio'],
      {
        reject: false,
        env: { NO_COLOR: '1' },
        timeout: 120_000,
      },
    );
    // Writes are in flight, so the first to fail may be any of the first frames'; then the chunk file at the end.
    const lines = run.stderr.trim().split('\n');
    expect(lines[0]).toMatch(
      /^warning: \[capture1\] cannot write \S+\/metadata\/capture_\d{9}\.json: read-only file system \(EROFS\); analysis goes on without it \(reported once until writes succeed\)$/,
    );
    expect(lines.slice(1).every((l) => /cannot write \S+\/metadata\/\d+\/chunk_10min_\d\.json/.test(l))).toBe(true);
    expect(lines.length).toBeLessThanOrEqual(2);
    expect(run.stderr).not.toMatch(/succeed again/);
    expect(run.exitCode).toBe(1);
    const summary = JSON.parse(run.stdout);
    // 12 frame JSONs and the one chunk file of their 10 minutes.
    expect(summary).toMatchObject({ frames: 12, errors: 0, writes_lost: 13 });
    expect(summary.devices[0]).toMatchObject({ analysed: 12, writes_lost: 13 });
    expect(await readdir(metadata)).toEqual([]);
  }, 120_000);

  it("merges into a frame's existing JSON, keeping other tools' fields, and replaces a corrupt one", async () => {
    const metadata = path.join(device, 'metadata');
    await mkdir(metadata, { recursive: true });
    await writeFile(path.join(metadata, `${stem(3)}.json`), JSON.stringify({ action: 'live_chup', zapping_detected: true, freeze: 'stale' }));
    await writeFile(path.join(metadata, `${stem(5)}.json`), '{"half": ');

    const run = await runVpt(['monitor', '--replay', '--stream-root', root.dir, '-q'], { timeoutMs: 120_000 });
    expect(run.exitCode).toBe(0);
    expect(run.stderr).toMatch(/corrupt .*capture_000000005\.json replaced/);
    const merged = await frameJson(3);
    expect(merged).toMatchObject({ action: 'live_chup', zapping_detected: true, analyzed: true, freeze: false, filename: `${stem(3)}.jpg` });
    expect(await frameJson(5)).toMatchObject({ analyzed: true, blackscreen: false });
    // No temp files left behind by the atomic writes.
    expect((await readdir(metadata)).filter((n) => n.startsWith('.'))).toEqual([]);
  }, 120_000);

  // Frame JSON is created with its final mode and skips the fchmod when the umask allows it; under a
  // narrow umask (a unit with UMask=0077) the fchmod must still make it readable by the farm's other tools.
  it.each(['022', '077'])(
    'writes per-frame JSON with mode 0644 under umask %s, merged over an existing file too',
    async (umask) => {
      const metadata = path.join(device, 'metadata');
      await mkdir(metadata, { recursive: true });
      await writeFile(path.join(metadata, `${stem(3)}.json`), JSON.stringify({ action: 'live_chup' }), { mode: 0o600 });
      const run = await execa('sh', ['-c', `umask ${umask} && exec "$0" "$@"`, VPT_BIN, 'monitor', '--replay', '--stream-root', root.dir, '-q'], {
        reject: false,
        timeout: 120_000,
      });
      expect(run.exitCode, run.stderr).toBe(0);
      const names = (await readdir(metadata)).filter((n) => n.endsWith('.json'));
      expect(names).toHaveLength(12);
      for (const name of names) expect(((await stat(path.join(metadata, name))).mode & 0o777).toString(8), name).toBe('644');
      expect(await frameJson(3)).toMatchObject({ action: 'live_chup', analyzed: true });
    },
    120_000,
  );

  it('appends one frame per second to the cold 10-minute chunk, deduplicated when replayed twice', async () => {
    for (let i = 0; i < 2; i++) {
      const run = await runVpt(['monitor', '--replay', '--stream-root', root.dir, '-q'], { timeoutMs: 120_000 });
      expect(run.exitCode).toBe(0);
    }
    const hours = await readdir(path.join(device, 'metadata'), { withFileTypes: true });
    const hourDirs = hours.filter((d) => d.isDirectory()).map((d) => d.name);
    const chunks: { frames: { sequence: number }[]; frames_count: number; hour: number; chunk_index: number }[] = [];
    for (const h of hourDirs) {
      expect(h).toMatch(/^([0-9]|1[0-9]|2[0-3])$/);
      for (const name of await readdir(path.join(device, 'metadata', h))) {
        expect(name).toMatch(/^chunk_10min_[0-5]\.json$/);
        chunks.push(JSON.parse(await readFile(path.join(device, 'metadata', h, name), 'utf8')));
      }
    }
    const sequences = chunks.flatMap((c) => c.frames.map((f) => f.sequence)).sort((a, b) => a - b);
    // 12 frames at 5 fps: frames 0, 5 and 10 start a second of video.
    expect(sequences).toEqual([0, 5, 10]);
    for (const c of chunks) expect(c.frames_count).toBe(c.frames.length);
  }, 120_000);

  it('sets a corrupt chunk file aside and starts a new one', async () => {
    await runVpt(['monitor', '--replay', '--stream-root', root.dir, '-q'], { timeoutMs: 120_000 });
    const hour = (await readdir(path.join(device, 'metadata'), { withFileTypes: true })).find((d) => d.isDirectory())!.name;
    const dir = path.join(device, 'metadata', hour);
    const [chunk] = await readdir(dir);
    await writeFile(path.join(dir, chunk!), '{"frames": [ {"sequence": 0,');
    const run = await runVpt(['monitor', '--replay', '--stream-root', root.dir], { timeoutMs: 120_000 });
    expect(run.exitCode).toBe(0);
    expect(run.stderr).toMatch(/corrupt chunk file .* set aside as chunk_10min_\d\.json\.corrupt-\d{8}T\d{6}/);
    const names = await readdir(dir);
    expect(names.some((n) => /\.corrupt-/.test(n))).toBe(true);
    expect(JSON.parse(await readFile(path.join(dir, chunk!), 'utf8')).frames.length).toBeGreaterThan(0);
    expect(names.some((n) => n.endsWith('.lock'))).toBe(false);
  }, 120_000);

  it('writes per-frame JSON in hot/metadata and chunks on the cold side when hot/ exists', async () => {
    const hot = path.join(device, 'hot');
    await mkdir(path.join(hot, 'captures'), { recursive: true });
    await mkdir(path.join(hot, 'thumbnails'), { recursive: true });
    // The newest frame is in hot storage; the older ones were archived to cold.
    for (const [from, to] of [
      [path.join(device, 'captures', `${stem(11)}.jpg`), path.join(hot, 'captures', `${stem(12)}.jpg`)],
      [path.join(device, 'thumbnails', `${stem(11)}_thumbnail.jpg`), path.join(hot, 'thumbnails', `${stem(12)}_thumbnail.jpg`)],
    ] as const)
      await copyFile(from, to);
    const run = await runVpt(['monitor', '--replay', '--stream-root', root.dir, '--json'], { timeoutMs: 120_000 });
    expect(run.exitCode).toBe(0);
    expect(JSON.parse(run.stdout).devices[0].frames).toBe(13);
    const hotMeta = await readdir(path.join(hot, 'metadata'));
    expect(hotMeta.filter((n) => n.endsWith('.json'))).toHaveLength(13);
    const cold = await readdir(path.join(device, 'metadata'));
    expect(cold.filter((n) => n.endsWith('.json'))).toEqual([]);
    expect(cold.length).toBeGreaterThan(0);
  }, 120_000);
});
