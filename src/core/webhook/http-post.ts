/**
 * One bounded HTTP POST, for every endpoint vpt notifies (the webhook, Alertmanager):
 * - a deadline that survives garbage collection: a plain setTimeout aborting a
 *   controller. On Node 20, `AbortSignal.any([AbortSignal.timeout(ms), ...])` loses
 *   its timeout once the collector runs, and a hanging endpoint then holds the
 *   request (and the queue behind it) forever;
 * - a bounded response body: at most HTTP_POST_BODY_LIMIT_BYTES are read, within the
 *   same deadline, then the connection is dropped (a body that never ends grew the
 *   monitor to 3 GB through `arrayBuffer()`);
 * - credentials in the URL (`http://user:secret@host/`) sent as a Basic
 *   Authorization header: fetch refuses such URLs outright.
 */

/** The whole exchange (connect, send, status, bounded body) ends by then. */
export const HTTP_POST_TIMEOUT_MS = 10_000;
/** Response body kept: enough for an error message, never a stream that does not end. */
export const HTTP_POST_BODY_LIMIT_BYTES = 16 * 1024;

export interface HttpPostRequest {
  url: string | URL;
  /** JSON or text; sent as is. */
  body: string;
  headers?: Record<string, string>;
  timeoutMs?: number;
  bodyLimitBytes?: number;
  /** Cuts the request early (the caller is stopping); not reported as a timeout. */
  signal?: AbortSignal;
}

export type HttpPostResult =
  { kind: 'response'; status: number; ok: boolean; body: string; bodyTruncated: boolean } | { kind: 'error'; error: string; timedOut: boolean };

/** The URL fetch may be given (no userinfo) and the Authorization header its userinfo means. */
export function splitCredentials(url: string | URL): { url: URL; authorization?: string } {
  const target = new URL(url);
  if (target.username === '' && target.password === '') return { url: target };
  const user = decodeURIComponent(target.username);
  const password = decodeURIComponent(target.password);
  target.username = '';
  target.password = '';
  return { url: target, authorization: `Basic ${Buffer.from(`${user}:${password}`, 'utf8').toString('base64')}` };
}

class PostTimeout extends Error {
  override name = 'PostTimeout';
}

export async function httpPost(request: HttpPostRequest): Promise<HttpPostResult> {
  const timeoutMs = request.timeoutMs ?? HTTP_POST_TIMEOUT_MS;
  const limit = request.bodyLimitBytes ?? HTTP_POST_BODY_LIMIT_BYTES;
  const controller = new AbortController();
  // A timer the event loop holds: the collector cannot take it (unlike AbortSignal.timeout inside any()).
  const timer = setTimeout(() => controller.abort(new PostTimeout(`no answer within ${timeoutMs} ms`)), timeoutMs);
  const onOuterAbort = (): void => controller.abort(request.signal?.reason);
  if (request.signal?.aborted) controller.abort(request.signal.reason);
  else request.signal?.addEventListener('abort', onOuterAbort, { once: true });
  try {
    const { url, authorization } = splitCredentials(request.url);
    const headers: Record<string, string> = { ...request.headers };
    if (authorization) headers.authorization = authorization;
    const response = await fetch(url, { method: 'POST', headers, body: request.body, signal: controller.signal });
    const { body, truncated } = await readBounded(response, limit);
    return { kind: 'response', status: response.status, ok: response.ok, body, bodyTruncated: truncated };
  } catch (err) {
    const timedOut = controller.signal.reason instanceof PostTimeout;
    if (timedOut) return { kind: 'error', error: 'no answer in time', timedOut };
    const error = err instanceof Error ? err : new Error(String(err));
    const cause = error.cause instanceof Error ? `: ${error.cause.message}` : '';
    return { kind: 'error', error: `${error.message}${cause}`, timedOut };
  } finally {
    clearTimeout(timer);
    request.signal?.removeEventListener('abort', onOuterAbort);
    // Whatever was not read is dropped with its connection, not drained.
    controller.abort();
  }
}

/**
 * Up to `limit` bytes of the body. The status is already known: a body cut by the
 * limit, the deadline or a reset still leaves the answer judged by its status.
 */
async function readBounded(response: Response, limit: number): Promise<{ body: string; truncated: boolean }> {
  if (!response.body) return { body: '', truncated: false };
  const reader = response.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  let truncated = false;
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      const room = limit - size;
      chunks.push(value.byteLength > room ? value.subarray(0, room) : value);
      size += Math.min(value.byteLength, room);
      if (size >= limit) {
        truncated = true;
        break;
      }
    }
  } catch {
    truncated = true;
  }
  return { body: Buffer.concat(chunks).toString('utf8'), truncated };
}
