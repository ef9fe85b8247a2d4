import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { scanProcesses } from '../../src/core/probes/processes.js';
import { redactUrl, redactUrlsIn, urlHasSecret } from '../../src/core/webhook/redact-url.js';
import { makeTempDir } from '../helpers/run-vpt.js';

describe('redactUrl', () => {
  it.each([
    ['http://user:pw@host/hook', 'http://***@host/hook'],
    ['http://token@host/hook', 'http://***@host/hook'],
    ['https://h/x?token=abc&site=lab', 'https://h/x?token=***&site=lab'],
    [
      'https://h/x?Access-Token=a&api_key=b&apiKey=c&sig=d&signature=e&auth=f&password=g&key=h&secret=i',
      'https://h/x?Access-Token=***&api_key=***&apiKey=***&sig=***&signature=***&auth=***&password=***&key=***&secret=***',
    ],
    ['https://h/x?auth_token=a&webhook_secret=b&X-Amz-Signature=c', 'https://h/x?auth_token=***&webhook_secret=***&X-Amz-Signature=***'],
    ['https://h/x?token=a&token=b', 'https://h/x?token=***'],
    // Not URLs (a typo): userinfo and secret keys still go.
    ['http//user:pw@host/x?token=abc', 'http//***@host/x?token=***'],
  ])('%s -> %s', (input, expected) => {
    expect(redactUrl(input)).toBe(expected);
    expect(urlHasSecret(input)).toBe(true);
  });

  it.each(['http://127.0.0.1:8080/hook', 'https://alerts.local/vpt?site=lab&device=capture1', 'HTTP://Example.org'])('leaves %s exactly as given', (url) => {
    expect(redactUrl(url)).toBe(url);
    expect(urlHasSecret(url)).toBe(false);
  });
});

describe('a command line in the crash report never carries a webhook secret', () => {
  it('scanProcesses redacts URLs in every process command line', async () => {
    const { dir, cleanup } = await makeTempDir('vpt-redact-proc-');
    try {
      const pid = path.join(dir, '4242');
      await mkdir(pid);
      const argv = [
        'node',
        '/opt/vpt/bin/vpt',
        'monitor',
        '--webhook',
        'http://farm:S3CRET@alerts.local/vpt?token=S3CRET2&site=lab',
        '--x=https://u:S3CRET3@h/',
      ];
      await writeFile(path.join(pid, 'cmdline'), `${argv.join('\0')}\0`);
      await writeFile(path.join(pid, 'stat'), '4242 (node) S 1 1 1 0 -1 0 0 0 0 0 1 1 0 0 20 0 1 0 100 0 0 0');
      await writeFile(path.join(pid, 'status'), 'Name:\tnode\nVmRSS:\t 100 kB\n');
      const { processes } = await scanProcesses(dir, 0);
      expect(processes.map((p) => p.command)).toEqual([
        'node /opt/vpt/bin/vpt monitor --webhook http://***@alerts.local/vpt?token=***&site=lab --x=https://***@h/',
      ]);
    } finally {
      await cleanup();
    }
  });

  it('redactUrlsIn leaves text without URLs alone', () => {
    expect(redactUrlsIn('python3 -u capture.py --device capture1')).toBe('python3 -u capture.py --device capture1');
  });
});
