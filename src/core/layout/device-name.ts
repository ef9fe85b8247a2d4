import { UsageError } from '../errors.js';
import { escapeOutside } from '../text/escape-outside.js';

/**
 * A device is a plain folder name directly under the stream root. Anything
 * that could walk out of it (`/`, `..`) or truncate a C path (NUL) is
 * refused before any path is built from it.
 */
export function validateDeviceName(name: string): string {
  const problem = deviceNameProblem(name);
  if (problem) {
    throw new UsageError(
      `invalid device name "${escapeOutside(name)}": ${problem}; a device is a plain folder name under the stream root (e.g. --devices capture1,capture2)`,
    );
  }
  return name;
}

/** Why a name is not a plain folder name, or undefined when it is one. */
export function deviceNameProblem(name: string): string | undefined {
  if (name.length === 0) return 'it is empty';
  if (name.includes('\0')) return 'it contains a NUL byte';
  if (name.includes('/')) return 'it contains "/"';
  if (name.includes('\\')) return 'it contains "\\"';
  if (name.includes('..')) return 'it contains ".."';
  if (name === '.') return 'it is "." (the stream root itself)';
  return undefined;
}
