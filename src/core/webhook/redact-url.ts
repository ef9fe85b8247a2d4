/** What a hidden secret reads as in logs, unit files and payloads. */
const REDACTED = '***';

/** Query keys whose value is a secret, compared lower-case, `-` read as `_`. */
const SECRET_QUERY_KEYS: ReadonlySet<string> = new Set([
  'token',
  'key',
  'secret',
  'password',
  'passwd',
  'pass',
  'pwd',
  'sig',
  'signature',
  'auth',
  'authorization',
  'access_token',
  'refresh_token',
  'id_token',
  'api_key',
  'apikey',
  'client_secret',
  'code',
  'credential',
  'credentials',
  'session',
  'jwt',
  'x_amz_signature',
  'x_amz_credential',
  'x_amz_security_token',
]);
/** Any key that names one of these is a secret too (`auth_token`, `webhook_secret`, `my-api-key`). */
const SECRET_KEY_PARTS = /token|secret|passw|signature|api_?key|access_?key|private/;

/** True when the URL carries something `redactUrl` would hide. */
export function urlHasSecret(url: string | URL): boolean {
  return redactUrl(url) !== String(url);
}

function isSecretKey(key: string): boolean {
  const k = key.toLowerCase().replace(/-/g, '_');
  return SECRET_QUERY_KEYS.has(k) || SECRET_KEY_PARTS.test(k);
}

/**
 * A URL as vpt may print or write it anywhere (logs, the unit's ExecStart=, status,
 * payloads): userinfo and the values of secret-looking query keys become `***`.
 * A string that does not parse as a URL loses anything between `//` and `@` and
 * every `key=value` of a secret key, so a typo never prints a password either.
 */
export function redactUrl(url: string | URL): string {
  const text = String(url);
  let parsed: URL;
  try {
    parsed = new URL(text);
  } catch {
    return text
      .replace(/\/\/[^/?#]*@/, `//${REDACTED}@`)
      .replace(/([?&;]|^)([^=&;#]+)=([^&;#]*)/g, (whole, sep: string, key: string) => (isSecretKey(key) ? `${sep}${key}=${REDACTED}` : whole));
  }
  let changed = false;
  if (parsed.username !== '' || parsed.password !== '') {
    parsed.username = REDACTED;
    parsed.password = '';
    changed = true;
  }
  for (const key of new Set(parsed.searchParams.keys())) {
    if (!isSecretKey(key)) continue;
    parsed.searchParams.set(key, REDACTED);
    changed = true;
  }
  // Nothing hidden: the text exactly as given. URLSearchParams re-encodes `***`; the literal reads better.
  return changed ? parsed.href.replace(/%2A%2A%2A/g, REDACTED) : text;
}

/** Every URL inside free text (a command line, a log line) redacted as redactUrl does. */
export function redactUrlsIn(text: string): string {
  return text.includes('://') ? text.replace(/[a-z][a-z0-9+.-]*:\/\/[^\s"'<>]+/gi, (url) => redactUrl(url)) : text;
}
