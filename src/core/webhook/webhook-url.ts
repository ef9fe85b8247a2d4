import { UsageError } from '../errors.js';
import { redactUrl } from './redact-url.js';

/** `--webhook URL`: an absolute http(s) URL, checked before anything starts. Errors show it redacted. */
export function parseWebhookUrl(value: string): URL {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new UsageError(`--webhook: "${redactUrl(value)}" is not a URL; give an absolute http:// or https:// address`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new UsageError(`--webhook: "${redactUrl(value)}" is not an http:// or https:// URL`);
  }
  return url;
}
