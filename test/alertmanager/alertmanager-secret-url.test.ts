import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeTempDir, runVpt } from '../helpers/run-vpt.js';

/**
 * Issue 29 item 5: an Alertmanager URL can carry a secret as a webhook URL can (user:password@, a
 * token in the query). It goes to the unit's EnvironmentFile as the webhook's does, never into
 * ExecStart= (and so never into `ps` or a world-readable unit file), and every printed form is redacted.
 */
const SECRET_AM = 'http://user:S3CRET-PW@host:9093/am?access_token=S3CRET-TOKEN';

describe('--alertmanager with a secret', () => {
  let tmp: { dir: string; cleanup: () => Promise<void> };
  beforeAll(async () => {
    tmp = await makeTempDir('vpt-am-secret-');
    await mkdir(path.join(tmp.dir, 'stream', 'capture1'), { recursive: true });
  });
  afterAll(() => tmp.cleanup());

  it('--print-unit keeps it out of ExecStart= and says where it goes, redacted', async () => {
    const run = await runVpt(['monitor', '--print-unit', '--devices', 'capture1', '--alertmanager', SECRET_AM]);
    expect(run.exitCode, run.stderr).toBe(0);
    expect(run.stdout + run.stderr).not.toMatch(/S3CRET/);
    expect(run.stdout).toMatch(/^ExecStart=.* monitor --devices capture1$/m);
    expect(run.stdout).toMatch(/^EnvironmentFile=\/etc\/vpt\/monitor\.env$/m);
    expect(run.stdout).toContain('# --alertmanager http://***@host:9093/am?access_token=*** carries a secret, so it is not written here:');
    expect(run.stdout).toContain('# put VPT_ALERTMANAGER=<the full URL> in /etc/vpt/monitor.env (chmod 600).');
  });

  it('with a secret webhook too: both go to the EnvironmentFile, one line says both variables', async () => {
    const run = await runVpt(['monitor', '--print-unit', '--alertmanager', SECRET_AM, '--webhook', 'https://hooks.local/x?token=S3CRET-HOOK']);
    expect(run.exitCode, run.stderr).toBe(0);
    expect(run.stdout + run.stderr).not.toMatch(/S3CRET/);
    expect(run.stdout).toMatch(/^ExecStart=.* monitor$/m);
    expect(run.stdout).toContain('# put VPT_WEBHOOK=<the full URL> and VPT_ALERTMANAGER=<the full URL> in /etc/vpt/monitor.env (chmod 600).');
  });

  it('an Alertmanager URL without a secret stays on the command line; VPT_ALERTMANAGER is read like the flag', async () => {
    const plain = await runVpt(['monitor', '--print-unit', '--alertmanager', 'http://alertmanager:9093']);
    expect(plain.stdout).toMatch(/^ExecStart=.* monitor --alertmanager http:\/\/alertmanager:9093$/m);
    expect(plain.stdout).not.toMatch(/EnvironmentFile/);
    const fromEnv = await runVpt(['monitor', '--print-unit'], { env: { VPT_ALERTMANAGER: 'http://alertmanager:9093' } });
    expect(fromEnv.stdout).toMatch(/^ExecStart=.* monitor --alertmanager http:\/\/alertmanager:9093$/m);
  });

  it('a refused Alertmanager URL is printed redacted', async () => {
    const run = await runVpt([
      'monitor',
      '--stream-root',
      path.join(tmp.dir, 'stream'),
      '--state-dir',
      path.join(tmp.dir, 'state'),
      '--devices',
      'capture1',
      '--alertmanager',
      'ftp://user:S3CRET-PW@host/x?token=S3CRET-TOKEN',
    ]);
    expect(run.exitCode).toBe(2);
    expect(run.stderr.trim()).toBe('vpt: --alertmanager: "ftp://***@host/x?token=***" is not an http:// or https:// URL');
  });
});
