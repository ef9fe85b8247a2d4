import { execa } from 'execa';
import { describe, expect, it } from 'vitest';
import { VPT_BIN } from '../helpers/run-vpt.js';

/** `vpt monitor --demo`: the page's URL is the first line, and it answers while the demo runs. */
describe('vpt monitor --demo', () => {
  it('prints its page URL first, on a free port, and serves the page there', async () => {
    const child = execa(VPT_BIN, ['monitor', '--demo', '--no-audio'], { reject: false, env: { NO_COLOR: '1' }, stdin: 'ignore', buffer: false });
    let stderr = '';
    child.stderr!.on('data', (c: Buffer) => (stderr += c.toString()));
    try {
      const deadline = Date.now() + 30_000;
      let port: string | undefined;
      let body = '';
      while (Date.now() < deadline) {
        port = /^demo: watch it in a browser: http:\/\/127\.0\.0\.1:(\d+)\/$/m.exec(stderr.split('\n')[0] ?? '')?.[1];
        if (port) {
          body = await fetch(`http://127.0.0.1:${port}/`).then(
            (r) => (r.ok ? r.text() : ''),
            () => '',
          );
          if (body) break;
        }
        await new Promise((r) => setTimeout(r, 200));
      }
      expect(port, stderr).toBeDefined();
      expect(Number(port)).not.toBe(9842);
      expect(body).toContain('data-device="capture1"');
    } finally {
      child.kill('SIGINT');
      await child;
    }
  }, 60_000);
});
