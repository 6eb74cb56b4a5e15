import { describe, expect, it } from 'vitest';
import { serverOptionsFromArgs, UsageError } from '../../../server/config';

describe('server command line', () => {
  it('defaults to 127.0.0.1:8787, embedded PostgreSQL in ./.data/server, no demo', () => {
    const options = serverOptionsFromArgs([], {});
    expect(options).toMatchObject({ host: '127.0.0.1', port: 8787, dataDir: './.data/server', demo: false, database: undefined });
  });

  it('reads --data, --port 0, --host, --demo and --demo-entries', () => {
    const options = serverOptionsFromArgs(['--data', '/tmp/x', '--port', '0', '--host', '0.0.0.0', '--demo', '--demo-entries', '1000000'], {});
    expect(options).toMatchObject({ dataDir: '/tmp/x', port: 0, host: '0.0.0.0', demo: { entries: 1_000_000 } });
  });

  it('uses DATABASE_URL for a real PostgreSQL and flags production', () => {
    const options = serverOptionsFromArgs([], { DATABASE_URL: 'postgresql://u@db/plantdesk', NODE_ENV: 'production' });
    expect(options.database).toEqual({ kind: 'postgres', connectionString: 'postgresql://u@db/plantdesk' });
    expect(options.production).toBe(true);
  });

  it('reads how long a first-sync snapshot is kept from PLANTDESK_BOOTSTRAP_TTL_MINUTES, and refuses nonsense', () => {
    expect(serverOptionsFromArgs([], {}).bootstrap).toBeUndefined();
    expect(serverOptionsFromArgs([], { PLANTDESK_BOOTSTRAP_TTL_MINUTES: '30' }).bootstrap).toEqual({ ttlMinutes: 30 });
    for (const value of ['0', '1441', '15m', '-1']) expect(() => serverOptionsFromArgs([], { PLANTDESK_BOOTSTRAP_TTL_MINUTES: value })).toThrow(UsageError);
  });

  it('emails enrolment links only where PLANTDESK_SMTP_URL names an SMTP server', () => {
    expect(serverOptionsFromArgs([], {})).toMatchObject({ smtpUrl: undefined, smtpFrom: undefined });
    const options = serverOptionsFromArgs([], { PLANTDESK_SMTP_URL: 'smtp://127.0.0.1:2525', PLANTDESK_SMTP_FROM: 'Plantdesk <plantdesk@plant.example>' });
    expect(options).toMatchObject({ smtpUrl: 'smtp://127.0.0.1:2525', smtpFrom: 'Plantdesk <plantdesk@plant.example>' });
    expect(() => serverOptionsFromArgs([], { PLANTDESK_SMTP_URL: 'http://mail.example' })).toThrow(UsageError);
  });

  it('reads PLANTDESK_TRUST_PROXY as a list of proxy addresses and CIDRs, and trusts none without it', () => {
    expect(serverOptionsFromArgs([], {}).trustProxy).toEqual([]);
    expect(serverOptionsFromArgs([], { PLANTDESK_TRUST_PROXY: '10.0.0.5, 10.1.0.0/16,fd00::/8,loopback' }).trustProxy).toEqual(['10.0.0.5', '10.1.0.0/16', 'fd00::/8', 'loopback']);
  });

  it.each(['1', 'true', '*', '0.0.0.0/0', 'proxy.example', '10.0.0.1,,10.0.0.2'])('refuses PLANTDESK_TRUST_PROXY=%s with a usage error', (value) => {
    expect(() => serverOptionsFromArgs([], { PLANTDESK_TRUST_PROXY: value })).toThrow(UsageError);
  });

  it.each([[['--port', '99999']], [['--port', 'abc']], [['--demo-entries', '5']], [['--bogus']]])('refuses %j with a usage error', (args) => {
    expect(() => serverOptionsFromArgs(args, {})).toThrow(UsageError);
  });
});
