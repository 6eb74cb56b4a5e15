import { parseArgs } from 'node:util';
import { DEFAULT_PORT, type ServerOptions } from './app';
import { DEFAULT_DEMO_ENTRIES } from './demo/seed-demo';
import { isSmtpUrl } from './enrolment/enrolment-mail';
import { parseTrustedProxies, TrustedProxyError } from './http/trusted-proxies';

/** `npm run server -- [--data DIR] [--port N] [--host H] [--demo] [--demo-entries N]` (API.md). */
export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}

export const usage = `usage: npm run server -- [--data DIR] [--port N] [--host HOST] [--demo] [--demo-entries N]
  --data DIR          data directory (embedded database, grant key, demo credentials); default ./.data/server
  --port N            port to listen on (default ${DEFAULT_PORT}, 0 = any free port)
  --host HOST         address to listen on (default 127.0.0.1)
  --demo              seed the "Northfield Plant" demo tenant once (refused with NODE_ENV=production)
  --demo-entries N    log entries the demo generates (default ${DEFAULT_DEMO_ENTRIES})
environment: DATABASE_URL (use this PostgreSQL instead of the embedded one), PLANTDESK_GRANT_SIGNING_KEY
  (PKCS#8 PEM Ed25519 key), PLANTDESK_TRUST_PROXY (comma-separated addresses or CIDRs of the proxies in
  front, e.g. 10.0.0.5,10.1.0.0/16: their X-Forwarded-For is believed; 1 or true is refused), PLANTDESK_LOG_LEVEL,
  PLANTDESK_SMTP_URL (smtp:// or smtps://: also email enrolment links), PLANTDESK_SMTP_FROM and
  PLANTDESK_BOOTSTRAP_TTL_MINUTES (1 to 1440, default 15: how long a first-sync snapshot is served to the same scope)`;

function trustedProxies(value: string | undefined): string[] {
  try {
    return parseTrustedProxies(value);
  } catch (error) {
    if (error instanceof TrustedProxyError) throw new UsageError(error.message);
    throw error;
  }
}

function integer(name: string, value: string | undefined, min: number, max: number): number | undefined {
  if (value === undefined) return undefined;
  if (!/^\d+$/.test(value) || Number(value) < min || Number(value) > max) throw new UsageError(`${name} must be a whole number from ${min} to ${max}`);
  return Number(value);
}

export function serverOptionsFromArgs(argv: string[], env: NodeJS.ProcessEnv): ServerOptions & { help?: boolean } {
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      options: {
        data: { type: 'string' },
        port: { type: 'string' },
        host: { type: 'string' },
        demo: { type: 'boolean' },
        'demo-entries': { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
      strict: true,
    });
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
  const { values } = parsed;
  const smtpUrl = env.PLANTDESK_SMTP_URL || undefined;
  if (smtpUrl !== undefined && !isSmtpUrl(smtpUrl)) throw new UsageError('PLANTDESK_SMTP_URL must be an smtp:// or smtps:// URL');
  const demoEntries = integer('--demo-entries', values['demo-entries'], 0, 50_000_000);
  if (demoEntries !== undefined && !values.demo) throw new UsageError('--demo-entries needs --demo');
  const bootstrapTtl = integer('PLANTDESK_BOOTSTRAP_TTL_MINUTES', env.PLANTDESK_BOOTSTRAP_TTL_MINUTES || undefined, 1, 24 * 60);
  return {
    help: values.help,
    dataDir: values.data ?? './.data/server',
    port: integer('--port', values.port, 0, 65535) ?? DEFAULT_PORT,
    host: values.host ?? '127.0.0.1',
    database: env.DATABASE_URL ? { kind: 'postgres', connectionString: env.DATABASE_URL } : undefined,
    demo: values.demo ? { entries: demoEntries } : false,
    trustProxy: trustedProxies(env.PLANTDESK_TRUST_PROXY),
    smtpUrl,
    smtpFrom: env.PLANTDESK_SMTP_FROM || undefined,
    production: env.NODE_ENV === 'production',
    logger: { level: env.PLANTDESK_LOG_LEVEL ?? 'info' },
    ...(bootstrapTtl !== undefined ? { bootstrap: { ttlMinutes: bootstrapTtl } } : {}),
  };
}
