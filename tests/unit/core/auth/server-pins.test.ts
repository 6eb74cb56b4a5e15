import { mkdtempSync, readdirSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ServerPins } from '../../../../main/core/auth/server-pins';
import { makeSigningKey } from '../../../support/grant-fixtures';

const now = new Date('2026-11-23T08:00:00Z');
const origin = 'https://plant.example';

describe('server key pinning', () => {
  it('pins the key at first sign-in and accepts the same key afterwards', async () => {
    const pins = new ServerPins(mkdtempSync(path.join(tmpdir(), 'pins-')));
    const { serverKey } = makeSigningKey('k1');
    await pins.pinOrCheck(origin, serverKey, now);
    await expect(pins.pinOrCheck(origin, serverKey, now)).resolves.toEqual(serverKey);
    expect(await pins.get(origin)).toEqual(serverKey);
  });

  it('refuses a changed key with server_key_changed and keeps the first pin', async () => {
    const pins = new ServerPins(mkdtempSync(path.join(tmpdir(), 'pins-')));
    const first = makeSigningKey('k1').serverKey;
    await pins.pinOrCheck(origin, first, now);
    await expect(pins.pinOrCheck(origin, makeSigningKey('k1').serverKey, now)).rejects.toMatchObject({ code: 'server_key_changed' });
    expect(await pins.get(origin)).toEqual(first);
  });

  it('refuses a key whose PEM and raw form disagree', async () => {
    const pins = new ServerPins(mkdtempSync(path.join(tmpdir(), 'pins-')));
    const mixed = { ...makeSigningKey().serverKey, publicKey: makeSigningKey().serverKey.publicKey };
    await expect(pins.pinOrCheck(origin, mixed, now)).rejects.toMatchObject({ code: 'invalid_server_response' });
    expect(await pins.get(origin)).toBeNull();
  });

  it('keeps pins per server and writes them 0600', async () => {
    const profile = mkdtempSync(path.join(tmpdir(), 'pins-'));
    const pins = new ServerPins(profile);
    await pins.pinOrCheck(origin, makeSigningKey().serverKey, now);
    expect(await pins.get('https://other.example')).toBeNull();
    const [file] = readdirSync(path.join(profile, 'servers'));
    expect(statSync(path.join(profile, 'servers', file)).mode & 0o777).toBe(0o600);
  });
});
