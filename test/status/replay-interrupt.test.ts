import { execa } from 'execa';
import { link, mkdir } from 'node:fs/promises';
import path from 'node:path';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { makeTempDir, REAL_FIXTURES, VPT_BIN } from '../helpers/run-vpt.js';

let dir: string;
let cleanup: () => Promise<void>;
beforeEach(async () => ({ dir, cleanup } = await makeTempDir('vpt-replay-int-')));
afterEach(async () => cleanup());

it('vpt monitor --replay on Ctrl-C prints a partial summary marked interrupted and exits 130', async () => {
  const captures = path.join(dir, 'stream', 'capture1', 'captures');
  await mkdir(captures, { recursive: true });
  // Far more frames than a second or two of replay gets through.
  for (let i = 0; i < 3000; i++) await link(path.join(REAL_FIXTURES, 'banner.jpg'), path.join(captures, `capture_${String(i).padStart(9, '0')}.jpg`));
  const child = execa(VPT_BIN, ['monitor', '--replay', '--no-audio', '--stream-root', path.join(dir, 'stream'), '--devices', 'capture1'], {
    reject: false,
    env: { NO_COLOR: '1' },
    timeout: 60_000,
  });
  let stderr = '';
  child.stderr?.on('data', (c: Buffer) => (stderr += c.toString()));
  // Interrupt once the analysis is under way (its first line: no thumbnails in this folder).
  const deadline = Date.now() + 30_000;
  while (!/no thumbnail from/.test(stderr) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
  child.kill('SIGINT');
  const result = await child;
  expect(result.exitCode).toBe(130);
  const lines = String(result.stderr).trim().split('\n');
  const at = lines.indexOf('replay interrupted (Ctrl-C): partial summary');
  expect(at, String(result.stderr)).toBeGreaterThanOrEqual(0);
  expect(lines[at + 1]).toMatch(/^ {2}capture1: \d+\/3000 frames analysed, \d+ events started$/);
  // Nothing after the summary: the frames finishing in the background stay quiet.
  expect(lines.slice(at + 2)).toEqual([]);
  expect(String(result.stdout)).toBe('');
}, 90_000);
