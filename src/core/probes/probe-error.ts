import { MissingProgramError, errnoCode } from '../errors.js';

/** One short operator-facing reason for a probe failure: "permission denied", "dmesg is not installed...". */
export function describeProbeError(err: unknown): string {
  if (err instanceof MissingProgramError) return err.message;
  const code = errnoCode(err);
  if (code === 'EACCES' || code === 'EPERM') return 'permission denied';
  if (code === 'ENOENT') return 'not found';
  if (err instanceof Error) return err.message;
  return String(err);
}
