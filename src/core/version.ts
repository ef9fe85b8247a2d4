import { readFileSync } from 'node:fs';

/** vpt's version from its package.json (dist/core/ and src/core/ are both two levels below it). */
export function vptVersion(): string {
  try {
    const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version?: string };
    return pkg.version ?? '0.0.0';
  } catch {
    return '0.0.0';
  }
}
