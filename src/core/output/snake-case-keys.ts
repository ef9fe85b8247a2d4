/**
 * Machine output is snake_case (docs/schemas/README.md) while the code's own
 * objects are camelCase: these convert at the boundary, so a field added to
 * a report later comes out in the convention without anyone remembering it.
 * Hand-written rather than a keys-converting package: two regexes, and the
 * health sample's start-up (a bundle timed in test/cli/health-fast-path)
 * does not load three more modules for them.
 */

/** Maps whose keys are data (probe names, alert keys), not field names: left as they are. */
export type DataMapKeys = ReadonlySet<string>;

const NO_DATA_MAPS: DataMapKeys = new Set();

export function snakeCase(key: string): string {
  return key.replace(/([a-z0-9])([A-Z])/g, '$1_$2').toLowerCase();
}

export function camelCase(key: string): string {
  return key.replace(/_([a-z0-9])/g, (_, c: string) => c.toUpperCase());
}

/** A deep copy with every object key snake_cased, except inside the named data maps. */
export function snakeCaseKeys<T>(value: T, dataMaps: DataMapKeys = NO_DATA_MAPS): unknown {
  return convert(value, snakeCase, dataMaps);
}

/** The reverse, for reading back a file vpt wrote (older files, already camelCase, pass unchanged). */
export function camelCaseKeys(value: unknown, dataMaps: DataMapKeys = NO_DATA_MAPS): unknown {
  return convert(value, camelCase, dataMaps);
}

function convert(value: unknown, rename: (key: string) => string, dataMaps: DataMapKeys): unknown {
  if (Array.isArray(value)) return value.map((v) => convert(v, rename, dataMaps));
  if (value === null || typeof value !== 'object') return value;
  const out: Record<string, unknown> = {};
  for (const [key, v] of Object.entries(value)) {
    const name = rename(key);
    out[name] = dataMaps.has(key) || dataMaps.has(name) ? v : convert(v, rename, dataMaps);
  }
  return out;
}
