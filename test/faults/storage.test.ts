import { execa } from 'execa';
import { chmod, chown, mkdir, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { chunkFilePath, chunkLocation } from '../../src/core/pipeline/chunk-writer.js';
import { FRAME_INTERVAL_MS } from '../helpers/frame-writer.js';
import { makeTempDir } from '../helpers/run-vpt.js';
import { expectNoPartialFiles, FaultRig, makeGoodFrames, stem, T0, type GoodFrames } from './fault-rig.js';

/**
 * Issue 7, storage faults, on the real `vpt monitor` binary: corrupt files
 * it finds, a metadata folder it may not write, a full disk. In each case
 * the monitor stays up, says so in one line naming the file, and keeps
 * analysing (frame events go on; per-frame JSON again once it can write).
 */
let good: GoodFrames;
let cleanupGood: () => Promise<void>;
const rigs: FaultRig[] = [];

beforeAll(async () => {
  const dir = await makeTempDir('vpt-faults-good-');
  cleanupGood = dir.cleanup;
  good = await makeGoodFrames(path.join(dir.dir, 'src'));
}, 120_000);
afterAll(async () => cleanupGood?.());
afterEach(async () => {
  for (const rig of rigs.splice(0)) await rig.cleanup();
});

async function newRig(): Promise<FaultRig> {
  const rig = await FaultRig.create('vpt-faults-storage-', good);
  rigs.push(rig);
  return rig;
}

const readJson = async (file: string) => JSON.parse(await readFile(file, 'utf8')) as Record<string, unknown>;

async function expectCleanStop(rig: FaultRig): Promise<void> {
  const { exitCode, ms } = await rig.stop();
  expect(exitCode).toBe(0);
  expect(ms).toBeLessThan(5_000);
  expect(await readdir(rig.tmpDir)).toEqual([]);
  expect(await readdir(rig.stateDir)).not.toContain('monitor.lock');
}

describe('vpt monitor, live: storage faults', () => {
  it("a corrupt per-frame JSON is replaced by a valid one (one line naming it); another tool's readable JSON keeps its fields", async () => {
    const rig = await newRig();
    await mkdir(rig.metadata, { recursive: true });
    await writeFile(rig.jsonPath(3), '{"action": "live_chup", "zapping_det');
    await writeFile(rig.jsonPath(4), JSON.stringify({ action: 'live_chup', zapping_detected: true, freeze: 'stale' }));
    await rig.start();
    await rig.expectAnalysed(await rig.writeGood(1, 8));
    expect(rig.linesNaming(`${stem(3)}.json`)).toEqual([`warning: [capture1] corrupt ${rig.jsonPath(3)} replaced`]);
    expect(rig.linesNaming(stem(4))).toEqual([]);
    expect(await readJson(rig.jsonPath(4))).toMatchObject({ action: 'live_chup', zapping_detected: true, analyzed: true, freeze: false });
    expect(await readJson(rig.jsonPath(3))).not.toHaveProperty('action');
    rig.expectAlive();
    rig.expectNoStackTrace();
    await expectNoPartialFiles(rig.metadata);
    await expectCleanStop(rig);
  }, 60_000);

  it('a corrupt chunk file is set aside as .corrupt-<time> (one line) and a new one started with the next frames', async () => {
    const rig = await newRig();
    // Frames 1..12: frames 5 and 10 start a second of video, so they go to the chunk.
    const chunk = chunkFilePath(rig.metadata, chunkLocation(T0 + 5 * FRAME_INTERVAL_MS));
    expect(chunkFilePath(rig.metadata, chunkLocation(T0 + 10 * FRAME_INTERVAL_MS))).toBe(chunk);
    await mkdir(path.dirname(chunk), { recursive: true });
    const garbage = '{"frames": [ {"sequence": 0, "timest';
    await writeFile(chunk, garbage);
    await rig.start();
    await rig.expectAnalysed(await rig.writeGood(1, 12));
    const lines = rig.linesNaming(path.basename(chunk));
    expect(lines).toEqual([
      expect.stringMatching(new RegExp(`^warning: \\[capture1\\] corrupt chunk file ${chunk} set aside as ${path.basename(chunk)}\\.corrupt-\\d{8}T\\d{6}$`)),
    ]);
    const aside = lines[0]!.split(' set aside as ')[1]!;
    expect(await readFile(path.join(path.dirname(chunk), aside), 'utf8')).toBe(garbage);
    const fresh = (await readJson(chunk)) as { frames: { sequence: number }[]; frames_count: number };
    expect(fresh.frames.map((f) => f.sequence)).toEqual([5, 10]);
    expect(fresh.frames_count).toBe(2);
    rig.expectAlive();
    rig.expectNoStackTrace();
    await expectNoPartialFiles(path.dirname(chunk));
    await expectCleanStop(rig);
  }, 60_000);

  it('a metadata folder it may not write (monitor as nobody): one line naming the file, frames still analysed, JSON again once writable', async () => {
    const rig = await newRig();
    // A tree nobody (65534) can read; state and temp are its own; metadata/ stays root's, 0755.
    for (const dir of [rig.root, rig.stream, rig.live, path.join(rig.live, 'captures'), path.join(rig.live, 'thumbnails')]) await chmod(dir, 0o755);
    await mkdir(rig.metadata, { mode: 0o755 });
    await chmod(rig.metadata, 0o755);
    for (const dir of [rig.stateDir, rig.tmpDir]) await chown(dir, 65534, 65534);
    const setpriv = ['setpriv', '--reuid', '65534', '--regid', '65534', '--clear-groups'];
    const probe = await execa(setpriv[0]!, [...setpriv.slice(1), 'true'], { reject: false });
    if (probe.exitCode !== 0) {
      console.log(`skipped: setpriv cannot switch to uid 65534 here (${probe.stderr.trim()})`);
      return;
    }
    await rig.start([], { prefix: setpriv });
    const first = await rig.writeGood(1, 6);
    for (const s of first) await rig.waitForFrame(s);
    // --verbose adds a debug line per later failure; the journal at the default level gets the warning alone.
    const refused = rig.monitor.stderr.filter((l) => l.startsWith('warning:') && l.includes('cannot write'));
    expect(refused).toEqual([
      `warning: [capture1] cannot write ${rig.jsonPath(1)}: permission denied (EACCES); analysis goes on without it (reported once until writes succeed)`,
    ]);
    expect(await readdir(rig.metadata)).toEqual([]);
    // Writable again: the next frames get their JSON, and the monitor says so once.
    await chown(rig.metadata, 65534, 65534);
    await rig.expectAnalysed(await rig.writeGood(7, 4));
    expect(rig.monitor.stderr.filter((l) => l.includes('metadata writes succeed again'))).toEqual([
      expect.stringMatching(/^\[capture1\] metadata writes succeed again \(\d+ failed while EACCES\)$/),
    ]);
    rig.expectAlive();
    rig.expectNoStackTrace();
    await expectNoPartialFiles(rig.metadata);
    await expectCleanStop(rig);
  }, 60_000);

  it('disk full (a 256 KiB tmpfs over metadata/): one line, no partial JSON, frames still analysed, recovers when space returns', async () => {
    const rig = await newRig();
    await mkdir(rig.metadata);
    // The tmpfs exists only in the monitor's mount namespace; this test reaches it through /proc/<pid>/root.
    const prefix = ['unshare', '--mount', '--propagation', 'private', 'sh', '-c', 'mount -t tmpfs -o size=256k vpt-full "$0" && exec "$@"', rig.metadata];
    await rig.start([], { prefix });
    const metadata = `/proc/${rig.monitor.pid}/root${rig.metadata}`;
    const before = await rig.writeGood(1, 6);
    for (const s of before) await rig.waitForFrame(s);
    expect((await readdir(metadata)).filter((n) => n.endsWith('.json'))).toHaveLength(6);
    // Fill it: the write stops at ENOSPC with the tmpfs full.
    const filler = path.join(metadata, 'filler.bin');
    await expect(writeFile(filler, Buffer.alloc(1024 * 1024))).rejects.toMatchObject({ code: 'ENOSPC' });

    const during = await rig.writeGood(7, 10);
    for (const s of during) await rig.waitForFrame(s);
    expect(rig.monitor.stderr.filter((l) => l.startsWith('warning:') && l.includes('cannot write'))).toEqual([
      `warning: [capture1] cannot write ${path.join(rig.metadata, `${stem(7)}.json`)}: no space left on device (ENOSPC); analysis goes on without it (reported once until writes succeed)`,
    ]);
    const names = await readdir(metadata);
    for (const s of during) expect(names).not.toContain(`${stem(s)}.json`);
    await expectNoPartialFiles(metadata);

    await rm(filler);
    const after = await rig.writeGood(17, 4);
    for (const s of after) await rig.waitForFrame(s);
    for (const s of after) expect(await readJson(path.join(metadata, `${stem(s)}.json`))).toMatchObject({ analyzed: true, filename: `${stem(s)}.jpg` });
    expect(rig.monitor.stderr.filter((l) => l.includes('metadata writes succeed again'))).toEqual([
      expect.stringMatching(/^\[capture1\] metadata writes succeed again \(\d+ failed while ENOSPC\)$/),
    ]);
    rig.expectAlive();
    rig.expectNoStackTrace();
    await expectNoPartialFiles(metadata);
    await expectCleanStop(rig);
  }, 60_000);
});
