import { execa } from 'execa';
import { readdir } from 'node:fs/promises';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { makeTempDir, runVpt, VPT_BIN } from '../helpers/run-vpt.js';

let tmp: string;
let cleanup: () => Promise<void>;
beforeEach(async () => ({ dir: tmp, cleanup } = await makeTempDir('vpt-demo-page-')));
afterEach(async () => cleanup());

/**
 * `vpt monitor --demo`: the page's URL is printed once the page listens (the
 * first request to it is answered), and a `--state-dir` the user names is
 * used and kept, so `vpt status` and `vpt incidents` can read it afterwards.
 */
describe('vpt monitor --demo', () => {
  it('prints its page URL once listening, on a free port, and keeps the --state-dir it was given', async () => {
    const state = path.join(tmp, 'state');
    const child = execa(VPT_BIN, ['monitor', '--demo', '--no-audio', '--state-dir', state], {
      reject: false,
      env: { NO_COLOR: '1', TMPDIR: tmp },
      stdin: 'ignore',
      buffer: false,
    });
    let stderr = '';
    child.stderr!.on('data', (c: Buffer) => (stderr += c.toString()));
    try {
      const deadline = Date.now() + 30_000;
      let port: string | undefined;
      while (Date.now() < deadline && port === undefined) {
        port = /^demo: watch it in a browser: http:\/\/127\.0\.0\.1:(\d+)\/$/m.exec(stderr)?.[1];
        if (port === undefined) await new Promise((r) => setTimeout(r, 100));
      }
      expect(port, stderr).toBeDefined();
      expect(Number(port)).not.toBe(9842);
      // One request, no retry: the URL is printed only when it answers.
      const body = await (await fetch(`http://127.0.0.1:${port}/`)).text();
      expect(body).toContain('data-device="capture1"');
      const lines = stderr.split('\n');
      const urlLine = lines.findIndex((l) => l.startsWith('demo: watch it in a browser'));
      expect(urlLine, stderr).toBeGreaterThan(lines.findIndex((l) => l.startsWith('http: status page ')));
      expect(stderr).toContain(`state in ${state}\n`);
    } finally {
      child.kill('SIGINT');
      await child;
    }
    // The demo's own temp root (its stream) is gone; the state dir the user named stays, with what the demo recorded.
    expect(await readdir(tmp)).toEqual(['state']);
    expect((await readdir(state)).sort()).toEqual(expect.arrayContaining(['incidents.db', 'status.json']));
    const status = await runVpt(['status', '--state-dir', state]);
    expect(status.exitCode, status.stdout + status.stderr).toBe(2);
    expect(status.stdout + status.stderr).toMatch(/not running/);
  }, 60_000);
});
