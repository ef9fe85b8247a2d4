import { readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { Ajv2020, type ErrorObject, type ValidateFunction } from 'ajv/dist/2020.js';
import addFormatsModule from 'ajv-formats';
import { REPO_ROOT } from './run-vpt.js';

/**
 * The JSON Schemas of vpt's machine outputs (docs/schemas/<name>.schema.json)
 * compiled once per test file. `checkOutput(name, doc)` returns the
 * validation errors as lines (empty: valid); a new output only needs its
 * schema file and a real document of it.
 */
export const SCHEMA_DIR = path.join(REPO_ROOT, 'docs', 'schemas');

export function schemaNames(): string[] {
  return readdirSync(SCHEMA_DIR)
    .filter((f) => f.endsWith('.schema.json'))
    .map((f) => f.replace(/\.schema\.json$/, ''))
    .sort();
}

// ajv-formats is CommonJS: under NodeNext its function is the default import's `default`.
type AddFormats = (ajv: Ajv2020) => unknown;
const formatsModule = addFormatsModule as unknown as AddFormats & { default?: AddFormats };
const addFormats: AddFormats = formatsModule.default ?? formatsModule;
const ajv = new Ajv2020({ allErrors: true, strict: true, strictRequired: false, allowUnionTypes: true });
addFormats(ajv);
const compiled = new Map<string, ValidateFunction>();

function validator(name: string): ValidateFunction {
  let validate = compiled.get(name);
  if (!validate) {
    const schema = JSON.parse(readFileSync(path.join(SCHEMA_DIR, `${name}.schema.json`), 'utf8')) as object;
    validate = ajv.compile(schema);
    compiled.set(name, validate);
  }
  return validate;
}

const describeError = (e: ErrorObject): string => `${e.instancePath || '/'} ${e.message ?? ''} ${JSON.stringify(e.params)}`;

/** Validation errors of `doc` against docs/schemas/<name>.schema.json, one line each; [] when it is valid. */
export function checkOutput(name: string, doc: unknown): string[] {
  const validate = validator(name);
  return validate(doc) ? [] : (validate.errors ?? []).map(describeError);
}
