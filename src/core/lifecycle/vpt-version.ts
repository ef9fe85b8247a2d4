import { readFileSync } from 'node:fs';
import path from 'node:path';

let cached: string | undefined;

/**
 * Where package.json is from this module's file: dist/core/lifecycle/ (tsc's output) or dist/ (the
 * bundle, scripts/bundle.mjs). The first of these that is vpt's own package.json wins.
 */
const CANDIDATES = ['../../../package.json', '../package.json'];

/** vpt's package version: `vpt --version` (with other flags), the status snapshot, /api/status. */
export function vptVersion(): string {
  if (cached !== undefined) return cached;
  cached = '0.0.0';
  for (const candidate of CANDIDATES) {
    try {
      const pkg = JSON.parse(readFileSync(path.join(import.meta.dirname, candidate), 'utf8')) as { name?: unknown; version?: unknown };
      if (pkg.name === 'vpt' && typeof pkg.version === 'string') {
        cached = pkg.version;
        break;
      }
    } catch {
      // Not there: the next candidate.
    }
  }
  return cached;
}
