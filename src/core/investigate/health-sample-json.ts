import { SCHEMA_VERSION } from '../output/schema-versions.js';
import { camelCaseKeys, snakeCaseKeys } from '../output/snake-case-keys.js';
import type { HealthSample } from './health-types.js';

/** Maps keyed by data (alert keys like `hot:capture2`, probe names): their keys are not field names. */
const DATA_MAPS = new Set(['pending', 'unavailable']);

/**
 * A sample as `--health --json` prints it and health_YYYYMMDD.jsonl stores it
 * (docs/schemas/health-sample.schema.json): snake_case, with schema_version
 * in place of the in-memory `version`.
 */
export function healthSampleJson(sample: HealthSample): Record<string, unknown> {
  const { version: _inMemory, ...rest } = sample;
  return { schema_version: SCHEMA_VERSION.healthSample, ...(snakeCaseKeys(rest, DATA_MAPS) as object) };
}

/**
 * A line read back from the jsonl (the report's trends, the next sample's
 * debounce): snake_case lines and the camelCase ones vpt wrote before
 * schema_version 2 read the same. undefined when it is not a sample.
 */
export function healthSampleFromJson(value: unknown): HealthSample | undefined {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return undefined;
  const sample = camelCaseKeys(value, DATA_MAPS) as HealthSample;
  return typeof sample.time === 'string' ? sample : undefined;
}
