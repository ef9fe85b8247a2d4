/**
 * Typed errors thrown by core code. Core never prints: the command layer
 * turns a VptError into one line on stderr and its exit code.
 */

/** Exit codes shared by every command (Nagios plugin convention). */
export const EXIT = {
  ok: 0,
  warning: 1,
  critical: 2,
  usage: 2,
  unknown: 3,
} as const;

/** Base class: a problem the user can understand and act on. */
export class VptError extends Error {
  readonly exitCode: number;
  constructor(message: string, exitCode: number, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
    this.exitCode = exitCode;
  }
}

/** A bad flag value, a bad argument, a missing directory the user named. */
export class UsageError extends VptError {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, EXIT.usage, options);
  }
}

/** An external program is not installed (ENOENT on spawn). */
export class MissingProgramError extends VptError {
  readonly program: string;
  constructor(program: string, hint?: string) {
    super(`${program} is not installed or not on PATH${hint ? `: ${hint}` : ''}`, EXIT.unknown);
    this.program = program;
  }
}

/** The operation needs privileges the process does not have. */
export class PermissionError extends VptError {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, EXIT.critical, options);
  }
}

/** Node's system errors carry a string code; narrow unknown values to it. */
export function errnoCode(err: unknown): string | undefined {
  if (err && typeof err === 'object' && 'code' in err) {
    const code = (err as { code: unknown }).code;
    return typeof code === 'string' ? code : undefined;
  }
  return undefined;
}
