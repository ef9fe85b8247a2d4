import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { closeSync, fstatSync, openSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { makeTempDir, REPO_ROOT, VPT_BIN } from '../helpers/run-vpt.js';

/**
 * Under systemd, stderr is a stream to journald and JOURNAL_STREAM holds its `device:inode`; vpt then
 * starts each line with its sd-daemon priority so `journalctl -p warning` filters (issue 25). Here a
 * real child's stderr is a file, and JOURNAL_STREAM names that file (or another one).
 */
describe('journald priority prefixes', () => {
  let tmp: { dir: string; cleanup: () => Promise<void> };
  beforeEach(async () => {
    tmp = await makeTempDir('vpt-journal-stream-');
  });
  afterEach(() => tmp.cleanup());

  /** Runs `args` with stderr into a fresh file; JOURNAL_STREAM names that file, or `other`'s. */
  async function stderrOf(file: string, args: string[], streamOf: 'stderr' | 'other'): Promise<{ lines: string[]; exitCode: number | null }> {
    const log = path.join(tmp.dir, file);
    const fd = openSync(log, 'w');
    const other = openSync(`${log}.other`, 'w');
    try {
      const st = fstatSync(streamOf === 'stderr' ? fd : other);
      // The file itself as the child's fd 2 (execa would put a pipe between them).
      const child = spawn(process.execPath, args, {
        stdio: ['ignore', 'ignore', fd],
        env: { JOURNAL_STREAM: `${st.dev}:${st.ino}`, NO_COLOR: '1' },
        timeout: 20_000,
      });
      const [exitCode] = (await once(child, 'exit')) as [number | null];
      return { lines: readFileSync(log, 'utf8').trimEnd().split('\n'), exitCode };
    } finally {
      closeSync(fd);
      closeSync(other);
    }
  }

  // The Ui every command gets (dist/ui.js, as bin/vpt runs it): its logger at each level and ui.err.
  const uiScript = `
    const { createUi } = await import(${JSON.stringify(path.join(REPO_ROOT, 'dist/ui.js'))});
    const ui = createUi({ verbose: true });
    ui.logger.error('disk gone');
    ui.logger.warn('[capture1] audio check of s.ts failed: two\\nlines');
    ui.logger.info('monitoring capture1');
    ui.logger.debug('probe x: unavailable');
    ui.err('skipped /tmp/x: in use');
    ui.err('stopped', 'error');
  `;

  it('each line starts with its priority when JOURNAL_STREAM is stderr', async () => {
    const { lines } = await stderrOf('ui.log', ['--input-type=module', '-e', uiScript], 'stderr');
    expect(lines.map((l) => /^<(\d)>/.exec(l)?.[1])).toEqual(['3', '4', '6', '7', '4', '3']);
    // A message is one journal line: its newline is escaped (issue 27), so the priority is never lost on a second line.
    expect(lines).toEqual([
      '<3>error: disk gone',
      '<4>warning: [capture1] audio check of s.ts failed: two\\nlines',
      '<6>monitoring capture1',
      '<7>probe x: unavailable',
      '<4>skipped /tmp/x: in use',
      '<3>stopped',
    ]);
  });

  it('lines are unchanged when JOURNAL_STREAM names another file (a child whose stderr was redirected)', async () => {
    const { lines } = await stderrOf('ui.log', ['--input-type=module', '-e', uiScript], 'other');
    expect(lines.filter((l) => /^<\d>/.test(l))).toEqual([]);
    expect(lines[0]).toBe('error: disk gone');
  });

  it("vpt's one-line errors carry <3>, from the full CLI and from the health sample's fast path", async () => {
    const cli = await stderrOf('cli.log', [VPT_BIN, 'journald-limits', '--root', path.join(tmp.dir, 'missing')], 'stderr');
    expect(cli.exitCode).toBe(2);
    expect(cli.lines).toHaveLength(1);
    expect(cli.lines[0]).toMatch(/^<3>vpt: --root: .*missing is not a folder/);
    const health = await stderrOf('health.log', [VPT_BIN, 'investigate', '--health', '--for', 'zero'], 'stderr');
    expect(health.lines).toHaveLength(1);
    expect(health.lines[0]).toMatch(/^<3>vpt: --for/);
  });
});
