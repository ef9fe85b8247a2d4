import { UsageError } from '../errors.js';
import { escapeOutside } from '../text/escape-outside.js';

/** Longer names do not fit a table column, a Prometheus label or a journal line worth reading. */
export const DEVICE_NAME_MAX_LENGTH = 64;
/**
 * The one rule for device names, applied to --devices, vpt.toml (its device
 * list and its [devices.<name>] sections) and discovery (a folder that breaks
 * it is named and skipped): RFC 3986's unreserved characters (letters,
 * digits, `.`, `_`, `-`, `~`), starting with a letter or a digit. Such a name
 * is its own URL path segment (the page's /img/device/<name>/ routes never
 * need %-encoding), one word in a log line (no newline, ESC or bidi control),
 * a plain CSV cell (no leading `=`, `+`, `-`, `@`) and never an object key
 * like `__proto__`.
 */
const DEVICE_NAME = /^[A-Za-z0-9][A-Za-z0-9._~-]*$/;

export function validateDeviceName(name: string): string {
  const problem = deviceNameProblem(name);
  if (problem) {
    throw new UsageError(
      `invalid device name "${escapeOutside(name)}": ${problem}; a device is a plain folder name under the stream root (e.g. --devices capture1,capture2)`,
    );
  }
  return name;
}

/** Why a name is not a device name, or undefined when it is one. */
export function deviceNameProblem(name: string): string | undefined {
  if (name.length === 0) return 'it is empty';
  if (name.includes('\0')) return 'it contains a NUL byte';
  if (name.includes('/')) return 'it contains "/"';
  if (name.includes('\\')) return 'it contains "\\"';
  if (name.includes('..')) return 'it contains ".."';
  if (name === '.') return 'it is "." (the stream root itself)';
  if (name.length > DEVICE_NAME_MAX_LENGTH) return `it is longer than ${DEVICE_NAME_MAX_LENGTH} characters`;
  if (!DEVICE_NAME.test(name)) return 'only letters, digits, ".", "_", "-" and "~" are allowed, starting with a letter or digit';
  return undefined;
}
