import { execa, type ResultPromise } from 'execa';
import path from 'node:path';
import { REPO_ROOT } from './run-vpt.js';

const VITE_NODE = path.join(REPO_ROOT, 'node_modules', '.bin', 'vite-node');

/** Run a TypeScript helper as a real child process (vite-node) and wait until it prints a line starting with `ready`. */
export async function startTsChild(script: string, args: string[], timeoutMs = 30_000): Promise<{ child: ResultPromise; readyLine: string }> {
  const child = execa(VITE_NODE, [script, ...args], { reject: false, cwd: REPO_ROOT, stdin: 'ignore' });
  const readyLine = await new Promise<string>((resolve, reject) => {
    let buffer = '';
    let stderr = '';
    const timer = setTimeout(() => reject(new Error(`${script} not ready after ${timeoutMs} ms: ${stderr}`)), timeoutMs);
    child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.stdout?.on('data', (chunk: Buffer) => {
      buffer += chunk.toString();
      const line = buffer.split('\n').find((l) => l.startsWith('ready'));
      if (line) {
        clearTimeout(timer);
        resolve(line);
      }
    });
    void child.then((r) => {
      clearTimeout(timer);
      reject(new Error(`${script} exited (${r.exitCode}) before ready: ${stderr}`));
    });
  });
  return { child, readyLine };
}
