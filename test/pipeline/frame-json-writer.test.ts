import { mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { makeTempDir, REPO_ROOT } from '../helpers/run-vpt.js';
import type * as WriterModule from '../../src/core/pipeline/frame-json-writer.js';

/**
 * --replay's frame JSON writer thread, as the build ships it: tsc's dist/core/pipeline/ module, which
 * finds its worker file beside it (the TypeScript sources have none and write inline).
 */
const writerModule = (): Promise<typeof WriterModule> => import(path.join(REPO_ROOT, 'dist/core/pipeline/frame-json-writer.js'));

describe('the frame JSON writer thread', () => {
  let tmp: { dir: string; cleanup: () => Promise<void> };
  beforeEach(async () => {
    tmp = await makeTempDir('vpt-frame-json-writer-');
  });
  afterEach(() => tmp.cleanup());

  const record = (sequence: number) => ({ analyzed: true, sequence, filename: `capture_${String(sequence).padStart(9, '0')}.jpg`, freeze: sequence % 2 === 0 });

  it('writes what the inline writer writes, merged into other tools’ keys, and leaves no temp file', async () => {
    const { WorkerFrameJsonWriter, inlineFrameJsonWriter } = await writerModule();
    const writer = WorkerFrameJsonWriter.start();
    expect(writer).not.toBe(inlineFrameJsonWriter);
    const viaThread = path.join(tmp.dir, 'thread');
    const inline = path.join(tmp.dir, 'inline');
    for (const dir of [viaThread, inline]) {
      await mkdir(dir);
      await writeFile(path.join(dir, 'capture_000000003.json'), '{"other_tool": 7, "freeze": "stale"}');
      await writeFile(path.join(dir, 'capture_000000004.json'), 'not json');
    }
    try {
      const results = await Promise.all(Array.from({ length: 200 }, (_, i) => writer.write(viaThread, record(i + 1), i + 1)));
      for (let i = 1; i <= 200; i++) await inlineFrameJsonWriter.write(inline, record(i), i);
      expect(results[2]).toEqual({ path: path.join(viaThread, 'capture_000000003.json'), replacedCorrupt: false });
      expect(results[3]).toEqual({ path: path.join(viaThread, 'capture_000000004.json'), replacedCorrupt: true });
    } finally {
      await writer.close();
    }
    expect((await readdir(viaThread)).sort()).toEqual((await readdir(inline)).sort());
    expect(await readdir(viaThread)).toHaveLength(200);
    for (const name of await readdir(inline)) {
      expect(await readFile(path.join(viaThread, name), 'utf8'), name).toBe(await readFile(path.join(inline, name), 'utf8'));
    }
    expect(JSON.parse(await readFile(path.join(viaThread, 'capture_000000003.json'), 'utf8'))).toMatchObject({ other_tool: 7, freeze: false });
  });

  it('a refused write rejects with the same code and message as an inline one', async () => {
    const { WorkerFrameJsonWriter, inlineFrameJsonWriter } = await writerModule();
    const writer = WorkerFrameJsonWriter.start();
    const missing = path.join(tmp.dir, 'no-such-folder');
    try {
      const viaThread = await writer.write(missing, record(1), 1).then(
        () => undefined,
        (err: NodeJS.ErrnoException) => err,
      );
      const inline = await inlineFrameJsonWriter.write(missing, record(1), 1).then(
        () => undefined,
        (err: NodeJS.ErrnoException) => err,
      );
      expect(viaThread?.code).toBe('ENOENT');
      expect(inline?.code).toBe('ENOENT');
      const shape = (m: string | undefined) => m?.replace(/tmp-\d+-[0-9a-f]+/, 'tmp-PID-RANDOM');
      expect(shape(viaThread?.message)).toBe(shape(inline?.message));
    } finally {
      await writer.close();
    }
  });

  it('the thread gone mid-replay: what it had not answered, and what follows, is written inline', async () => {
    const { WorkerFrameJsonWriter } = await writerModule();
    const writer = WorkerFrameJsonWriter.start();
    const dir = path.join(tmp.dir, 'out');
    await mkdir(dir);
    const pending = Array.from({ length: 50 }, (_, i) => writer.write(dir, record(i + 1), i + 1));
    await (writer as unknown as { worker: { terminate(): Promise<number> } }).worker.terminate();
    const after = await writer.write(dir, record(51), 51);
    expect(after.path).toBe(path.join(dir, 'capture_000000051.json'));
    await Promise.all(pending);
    await writer.close();
    expect(await readdir(dir)).toHaveLength(51);
  });
});
