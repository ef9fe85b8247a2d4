import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { UsageError } from '../../src/core/errors.js';
import { parseActiveCaptures, resolveDevices, validateDeviceName } from '../../src/core/live/resolve-devices.js';
import { makeTempDir } from '../helpers/run-vpt.js';

let root: string;
let cleanup: () => Promise<void>;
beforeEach(async () => ({ dir: root, cleanup } = await makeTempDir('vpt-devices-')));
afterEach(async () => cleanup());

describe('device resolution', () => {
  it('parses active_captures.conf lines', () => {
    const text = '# active\n/var/www/html/stream/capture1,1234,high\n\n/var/www/html/stream/capture3/,99,low\ncapture1,5,x\n';
    expect(parseActiveCaptures(text)).toEqual(['capture1', 'capture3']);
  });

  it.each(['', '.', '..', 'a/b', '../etc', 'cap\u0000ture', 'x..y'])('refuses the device name %j', (name) => {
    expect(() => validateDeviceName(name)).toThrow(UsageError);
  });

  it('--devices wins and need not exist yet; else active_captures.conf (existing ones); else capture* folders', async () => {
    for (const d of ['capture1', 'capture2', 'capture10', 'other']) await mkdir(path.join(root, d));
    expect(await resolveDevices(root, ['capture7', 'capture7'])).toEqual({ devices: ['capture7'], source: 'flag' });
    expect(await resolveDevices(root, undefined)).toEqual({ devices: ['capture1', 'capture2', 'capture10'], source: 'scan' });
    await writeFile(path.join(root, 'active_captures.conf'), `${root}/capture2,1,hd\n${root}/capture5,2,hd\n`);
    expect(await resolveDevices(root, [])).toEqual({ devices: ['capture2'], source: 'active_captures.conf' });
  });

  it('says what to do when the stream root is missing or holds no devices', async () => {
    await expect(resolveDevices(path.join(root, 'missing'), undefined)).rejects.toThrow(/does not exist; pass --stream-root/);
    await expect(resolveDevices(root, undefined)).rejects.toThrow(/no capture\* device folders/);
  });
});
