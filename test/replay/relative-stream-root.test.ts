import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateCapture } from '../helpers/generate-capture.js';
import { makeTempDir, runVpt } from '../helpers/run-vpt.js';

/**
 * `vpt monitor --replay --stream-root ./copy` from the folder holding the
 * copy: the evidence paths it records are absolute, so `vpt incidents show`
 * run from any other folder finds every file.
 */
describe('evidence paths are stored absolute', () => {
  let root: { dir: string; cleanup: () => Promise<void> };
  beforeAll(async () => {
    root = await makeTempDir('vpt-relative-root-');
    await generateCapture(path.join(root.dir, 'work', 'copy', 'capture1'), [
      { kind: 'moving', seconds: 2 },
      { kind: 'black', seconds: 5 },
      { kind: 'moving', seconds: 2 },
    ]);
    await mkdir(path.join(root.dir, 'elsewhere'));
  }, 120_000);
  afterAll(() => root.cleanup());

  it('a replay of ./copy records absolute paths that incidents show finds from another folder', async () => {
    const state = path.join(root.dir, 'state');
    const replay = await runVpt(
      ['monitor', '--replay', '--stream-root', './copy', '--state-dir', state, '--no-audio', '--min-event', '1s', '--incident-delay', '2s'],
      { cwd: path.join(root.dir, 'work'), timeoutMs: 120_000 },
    );
    expect(replay.exitCode, replay.stderr).toBe(0);
    const show = await runVpt(['incidents', 'show', '1', '--state-dir', state, '--json'], { cwd: path.join(root.dir, 'elsewhere') });
    expect(show.exitCode, show.stderr).toBe(0);
    const evidence = (JSON.parse(show.stdout) as { evidence: { path: string; exists: boolean }[] }).evidence;
    expect(evidence.length).toBeGreaterThanOrEqual(4);
    for (const e of evidence) {
      expect(path.isAbsolute(e.path), e.path).toBe(true);
      expect(e.path.startsWith(path.join(root.dir, 'work', 'copy', 'capture1') + path.sep), e.path).toBe(true);
      expect(e.exists, e.path).toBe(true);
    }
    const human = await runVpt(['incidents', 'show', '1', '--state-dir', state], { cwd: path.join(root.dir, 'elsewhere') });
    expect(human.stdout).not.toContain('MISSING');
  }, 120_000);
});
