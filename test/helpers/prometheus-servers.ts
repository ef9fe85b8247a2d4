import { execa, type ResultPromise } from 'execa';
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { freePort } from '../../src/core/http/free-port.js';

/**
 * Debian's prometheus and prometheus-alertmanager, started by a test on
 * 127.0.0.1 with a temp config and storage, stopped with stop(). Nothing of
 * theirs outlives the test's temp folder.
 */
export interface RealServer {
  url: string;
  port: number;
  child: ResultPromise;
  output: () => string;
  stop(): Promise<void>;
}

async function start(program: string, args: string[], port: number, readyPath: string): Promise<RealServer> {
  const child = execa(program, args, { reject: false, stdin: 'ignore', buffer: false, all: true });
  let output = '';
  child.all?.on('data', (c: Buffer) => (output = `${output}${c.toString()}`.slice(-20_000)));
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 30_000;
  for (;;) {
    const ok = await fetch(`${url}${readyPath}`).then(
      (r) => r.ok,
      () => false,
    );
    if (ok) break;
    if (child.exitCode !== null || Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`${program} did not become ready on ${url}:\n${output}`);
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  return {
    url,
    port,
    child,
    output: () => output,
    stop: async () => {
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 5_000);
      await child;
      clearTimeout(timer);
    },
  };
}

/** Prometheus scraping `targets` (host:port) every second, job "vpt-monitor". */
export async function startPrometheus(dir: string, targets: string[]): Promise<RealServer> {
  await mkdir(path.join(dir, 'tsdb'), { recursive: true });
  const config = path.join(dir, 'prometheus.yml');
  await writeFile(
    config,
    `global:\n  scrape_interval: 1s\n  evaluation_interval: 1s\nscrape_configs:\n  - job_name: vpt-monitor\n    static_configs:\n      - targets: [${targets.map((t) => `'${t}'`).join(', ')}]\n`,
  );
  const port = await freePort();
  return start(
    '/usr/bin/prometheus',
    [`--config.file=${config}`, `--storage.tsdb.path=${path.join(dir, 'tsdb')}`, `--web.listen-address=127.0.0.1:${port}`, '--log.level=warn'],
    port,
    '/-/ready',
  );
}

/** Alertmanager notifying `webhookUrl` (send_resolved) within a second of a change; clustering off. */
export async function startAlertmanager(dir: string, webhookUrl: string): Promise<RealServer> {
  await mkdir(path.join(dir, 'am-data'), { recursive: true });
  const config = path.join(dir, 'alertmanager.yml');
  await writeFile(
    config,
    `route:\n  receiver: hook\n  group_by: [alertname, host, device]\n  group_wait: 1s\n  group_interval: 1s\n  repeat_interval: 1h\n` +
      `receivers:\n  - name: hook\n    webhook_configs:\n      - url: '${webhookUrl}'\n        send_resolved: true\n`,
  );
  const port = await freePort();
  return start(
    '/usr/bin/prometheus-alertmanager',
    [
      `--config.file=${config}`,
      `--storage.path=${path.join(dir, 'am-data')}`,
      `--web.listen-address=127.0.0.1:${port}`,
      '--cluster.listen-address=',
      '--log.level=warn',
    ],
    port,
    '/-/ready',
  );
}
