import { readFileSync } from 'node:fs';

let cached: string | undefined;

/** vpt's package version (dist/core/status/ -> package.json), for the status snapshot. */
export function vptVersion(): string {
  if (cached !== undefined) return cached;
  try {
    const pkg = JSON.parse(readFileSync(new URL('../../../package.json', import.meta.url), 'utf8')) as { version?: unknown };
    cached = typeof pkg.version === 'string' ? pkg.version : '0.0.0';
  } catch {
    cached = '0.0.0';
  }
  return cached;
}
