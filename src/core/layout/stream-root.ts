/**
 * Where the farm's ffmpeg writes the device folders (docs/design.md "Input
 * layout"): the one default of every `--stream-root` (monitor, investigate,
 * the health fast path, the units they install).
 */
export const DEFAULT_STREAM_ROOT = '/var/www/html/stream';
