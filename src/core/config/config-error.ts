import { UsageError } from '../errors.js';

/** A config file that cannot be used: every line names the file, the line and the key. */
export class ConfigError extends UsageError {}
