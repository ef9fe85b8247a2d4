/**
 * The one escaping function for strings that come from outside vpt (device
 * and folder names, file paths, database fields, config values, flag values)
 * on their way into human output: log lines, tables, error messages.
 *
 * Escaped, as `\n`, `\t`, `\xNN` or `\uNNNN`:
 * - C0 controls and DEL: a newline would split one journal line into two (a
 *   forged `INCIDENT opened` line); ESC starts terminal escape sequences.
 * - C1 controls (U+0080-U+009F): CSI (U+009B) is ESC [ on many terminals.
 * - Unicode line and paragraph separators (U+2028, U+2029) and NEL.
 * - Bidirectional controls (U+061C, U+200E, U+200F, U+202A-U+202E,
 *   U+2066-U+2069): U+202E reorders the rest of a line on screen.
 *
 * A backslash is left as it is, so the function is idempotent: a string
 * escaped where it was formatted and again at the logger is not doubled.
 * JSON output needs none of this (JSON.stringify escapes controls, and a
 * program reads it).
 */
const OUTSIDE_UNSAFE = /[\u0000-\u001f\u007f-\u009f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g;

const SHORT_ESCAPES: Record<string, string> = { '\n': '\\n', '\r': '\\r', '\t': '\\t' };

function escapeOne(char: string): string {
  const short = SHORT_ESCAPES[char];
  if (short !== undefined) return short;
  const code = char.charCodeAt(0);
  return code <= 0xff ? `\\x${code.toString(16).padStart(2, '0')}` : `\\u${code.toString(16).padStart(4, '0')}`;
}

export function escapeOutside(text: string): string {
  return text.replace(OUTSIDE_UNSAFE, escapeOne);
}
