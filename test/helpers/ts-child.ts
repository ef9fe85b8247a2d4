import { execa, type ResultPromise } from 'execa';
import { createRequire } from 'node:module';
import { REPO_ROOT } from './run-vpt.js';

/** vite-node's command line, resolved through the declared devDependency (not a path guessed under node_modules/.bin). */
export const VITE_NODE_CLI = createRequire(import.meta.url).resolve('vite-node/vite-node.mjs');

/** Run a TypeScript helper as a real child process (vite-node) and wait until it prints a line starting with `ready`. */
export async function startTsChild(script: string, args: string[], timeoutMs = 30_000): Promise<{ child: ResultPromise; readyLine: string }> {
  const child = execa(process.execPath, [VITE_NODE_CLI, script, ...args], { reject: false, cwd: REPO_ROOT, stdin: 'ignore' });
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
