import { describe, expect, it } from 'vitest';
import { parseListenAddress, urlHost } from '../../src/core/http/listen-address.js';

describe('--listen', () => {
  it.each([
    ['127.0.0.1:9842', { host: '127.0.0.1', port: 9842, loopback: true }],
    ['127.1.2.3:80', { host: '127.1.2.3', port: 80, loopback: true }],
    ['localhost:9842', { host: 'localhost', port: 9842, loopback: true }],
    ['[::1]:9842', { host: '::1', port: 9842, loopback: true }],
    ['0.0.0.0:9842', { host: '0.0.0.0', port: 9842, loopback: false }],
    ['[::]:0', { host: '::', port: 0, loopback: false }],
    ['192.168.1.20:65535', { host: '192.168.1.20', port: 65535, loopback: false }],
  ])('%s', (value, expected) => expect(parseListenAddress(value)).toEqual(expected));

  it('off disables it', () => expect(parseListenAddress('off')).toBeUndefined());

  it.each(['9842', ':9842', '127.0.0.1', '127.0.0.1:65536', '127.0.0.1:-1', 'example.com:9842', '::1:9842', '127.0.0.1:98a', ''])(
    '%j is one clear usage error',
    (value) => {
      expect(() => parseListenAddress(value)).toThrow(/^--listen: /);
    },
  );

  it('a URL names the any-address by the host name, IPv6 in brackets', () => {
    expect(urlHost('0.0.0.0', 'pi-17')).toBe('pi-17');
    expect(urlHost('::', 'pi-17')).toBe('pi-17');
    expect(urlHost('::1', 'pi-17')).toBe('[::1]');
    expect(urlHost('10.0.0.5', 'pi-17')).toBe('10.0.0.5');
  });
});
