import { describe, expect, it } from 'vitest';
import { redactUrl, urlHasSecret } from '../../src/core/webhook/redact-url.js';

describe('redactUrl', () => {
  it.each([
    ['http://user:pw@host/hook', 'http://***@host/hook'],
    ['http://token@host/hook', 'http://***@host/hook'],
    ['https://h/x?token=abc&site=lab', 'https://h/x?token=***&site=lab'],
    ['https://h/x?Access-Token=a&api_key=b&apiKey=c&sig=d&signature=e&auth=f&password=g&key=h&secret=i', 'https://h/x?Access-Token=***&api_key=***&apiKey=***&sig=***&signature=***&auth=***&password=***&key=***&secret=***'],
    ['https://h/x?auth_token=a&webhook_secret=b&X-Amz-Signature=c', 'https://h/x?auth_token=***&webhook_secret=***&X-Amz-Signature=***'],
    ['https://h/x?token=a&token=b', 'https://h/x?token=***'],
    // Not URLs (a typo): userinfo and secret keys still go.
    ['http//user:pw@host/x?token=abc', 'http//***@host/x?token=***'],
  ])('%s -> %s', (input, expected) => {
    expect(redactUrl(input)).toBe(expected);
    expect(urlHasSecret(input)).toBe(true);
  });

  it.each(['http://127.0.0.1:8080/hook', 'https://alerts.local/vpt?site=lab&device=capture1', 'HTTP://Example.org'])('leaves %s exactly as given', (url) => {
    expect(redactUrl(url)).toBe(url);
    expect(urlHasSecret(url)).toBe(false);
  });
});
