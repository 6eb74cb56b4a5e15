import { randomUUID } from 'node:crypto';
import os from 'node:os';
import path from 'node:path';
import type { Core } from '../core/core';
import { createWorkstationCore } from '../core/workstation';
import { PlantdeskError } from '../../shared/errors';
import { dispatchCall } from '../../shared/dispatch';
import type { CallResponse, Channel, ContractEvent, EventPayload } from '../../shared/contract';
import { parseArgs, UsageError, type ParsedArgs } from './args';
import { canOpenBrowser, openInSystemBrowser } from './browser';
import { Answers, ask, readStdin } from './prompt';
import { exportFormats, exportModules, exportModuleSpecs, isExportFormat, isExportModule, type ExportModule } from '../../shared/exports';

/** Exit codes of API.md. */
export const exitCodes = { ok: 0, failure: 1, usage: 2, needsSignIn: 3, offlinePastGrant: 4, profileInUse: 5 } as const;

export interface CliIo {
  stdout: (text: string) => void;
  stderr: (text: string) => void;
}

interface CommandContext {
  args: ParsedArgs;
  io: CliIo;
  call<C extends Channel>(channel: C, request: unknown): Promise<CallResponse<C>>;
  /** Prints what the workstation set aside or trusted anew (damaged profile files), on stderr. */
  reportNotices(): Promise<void>;
  /** The password from --password-stdin, or asked on the terminal. */
  password(): Promise<string>;
  /** Subscribes to the core's events (progress) for the length of the command. */
  onEvent(listener: (event: ContractEvent) => void): () => void;
  /** True when output goes to a terminal: progress bars on, otherwise quiet. */
  interactive: boolean;
  /** Where the next export is written (the CLI's --out plays the save dialog's part). */
  setExportTarget(path: string): void;
}

const listFlag = (args: ParsedArgs, name: string) => (typeof args.flags[name] === 'string' ? (args.flags[name] as string).split(',').map((v) => v.trim()).filter(Boolean) : undefined);
const dayStart = (value: string) => (/^\d{4}-\d{2}-\d{2}$/.test(value) ? `${value}T00:00:00.000Z` : value);

/** "a, b or c", for usage errors that name every choice. */
const oneOf = (choices: readonly string[]) => `${choices.slice(0, -1).join(', ')} or ${choices.at(-1)}`;

/**
 * The filters of API.md, checked by the module's filter schema, the one the contract checks
 * the request with: a bad filter is a usage error (exit 2) before anything is unlocked.
 */
function exportFilter(module: ExportModule, args: ParsedArgs): Record<string, unknown> {
  const from = typeof args.flags.from === 'string' ? args.flags.from : undefined;
  const to = typeof args.flags.to === 'string' ? args.flags.to : undefined;
  const candidate =
    module === 'shift-logs'
      ? { shiftDateFrom: from, shiftDateTo: to, areaIds: listFlag(args, 'area'), severities: listFlag(args, 'severity'), statuses: listFlag(args, 'status') }
      : module === 'audit'
        ? { from: from && dayStart(from), to: to && dayStart(to) }
        : {};
  const cleaned = Object.fromEntries(Object.entries(candidate).filter(([, value]) => value !== undefined));
  const parsed = exportModuleSpecs[module].filter.safeParse(cleaned);
  if (!parsed.success) throw new UsageError(`bad filter: ${parsed.error.issues.map((issue) => `${issue.path.join('.')} ${issue.message}`).join('; ')}`);
  return parsed.data;
}

function requiredFlag(args: ParsedArgs, name: string): string {
  const value = args.flags[name];
  if (typeof value !== 'string' || value === '') throw new UsageError(`--${name} is required`);
  return value;
}

function statusLines(status: CallResponse<'session.status'>, sync?: CallResponse<'sync.state'>): string[] {
  if (status.state === 'signed_out') return ['Not signed in on this workstation.'];
  const lines = [
    `User:     ${status.user?.displayName} <${status.user?.email}>`,
    `Tenant:   ${status.tenantName} (${status.tenantId})`,
    `Server:   ${status.server} (${status.online ? 'online' : 'offline'})`,
    `State:    ${status.state}${status.lockReason ? ` (${status.lockReason})` : ''}${status.needsOnlineSignIn ? ', online sign-in needed' : ''}`,
  ];
  if (status.grantNotAfter) lines.push(`Offline work allowed until: ${status.grantNotAfter}`);
  if (sync) lines.push(`Pending changes: ${sync.pending}`, `Conflicts: ${sync.conflicts}`, `Pull cursor: ${sync.cursor}`, `Last sync: ${sync.lastOkAt ?? 'never'}`);
  return lines;
}

/** A new password, typed twice on a terminal (once from standard input). */
async function newPassword(answers: Answers): Promise<string> {
  const first = await answers.next('New password (12 or more characters): ', { secret: true });
  if (process.stdin.isTTY && (await answers.next('New password again: ', { secret: true })) !== first) throw new UsageError('the two new passwords differ; nothing was changed');
  return first;
}

/**
 * First sign-in from an enrolment link: the link is asked for (never an argument: it is a
 * secret), the authenticator secret is shown to the person, then their new password and a code
 * from the authenticator they just set up.
 */
async function enrol({ args, io, call }: CommandContext): Promise<number> {
  const answers = new Answers();
  const link = await answers.next('Enrolment link: ', { secret: true });
  const enrolment = await call('auth.enrolmentStart', { link });
  io.stdout(
    args.flags.json
      ? JSON.stringify({ email: enrolment.email, tenantName: enrolment.tenantName, expiresAt: enrolment.expiresAt, totpSecret: enrolment.totpSecret, otpauthUri: enrolment.otpauthUri })
      : [
          `Enrolling ${enrolment.displayName} <${enrolment.email}> in ${enrolment.tenantName} (link valid until ${enrolment.expiresAt}).`,
          'Add this account to your authenticator app, with this key or this address:',
          `  key:     ${enrolment.totpSecret}`,
          `  address: ${enrolment.otpauthUri}`,
        ].join('\n'),
  );
  const password = await newPassword(answers);
  const totpCode = await answers.next('Code from your authenticator app: ');
  const status = await call('auth.enrolmentComplete', { link, password, totpCode });
  io.stdout(args.flags.json ? JSON.stringify(status) : `Enrolled and signed in as ${status.user?.email} to ${status.tenantName}. Offline work allowed until ${status.grantNotAfter}.`);
  return exitCodes.ok;
}

/** A new local passphrase for a single sign-on account, typed twice on a terminal. */
async function newPassphrase(answers: Answers): Promise<string> {
  const first = await answers.next('Choose a local passphrase for unlocking Plantdesk on this workstation (12 or more characters): ', { secret: true });
  if (process.stdin.isTTY && (await answers.next('Passphrase again: ', { secret: true })) !== first) throw new UsageError('the two passphrases differ; nothing was changed');
  return first;
}

/**
 * Single sign-on: in the system browser (or, without a display or with --no-browser, at the
 * printed address) or, with --device, by a code entered on another device. The cache is under a
 * local passphrase: asked anew at the first SSO sign-in here, else the one chosen then.
 */
async function ssoLogin({ args, io, call, onEvent, reportNotices }: CommandContext): Promise<number> {
  const server = requiredFlag(args, 'server');
  const email = typeof args.flags.email === 'string' ? args.flags.email : undefined;
  const tenantId = typeof args.flags.tenant === 'string' ? args.flags.tenant : undefined;
  if (!email && !tenantId) throw new UsageError('--email or --tenant is required with --sso');
  const target = { server, ...(email ? { email } : {}), ...(tenantId ? { tenantId } : {}) };
  const { providers } = await call('auth.ssoProviders', target);
  const chosen = providers.filter((provider) => tenantId === undefined || provider.tenantId === tenantId);
  if (chosen.length > 1) throw new UsageError(`your email signs in to several organisations; choose one with --tenant: ${chosen.map((p) => `${p.tenantId} (${p.tenantName})`).join(', ')}`);
  if (chosen.length === 0) throw new PlantdeskError('sso_not_configured');
  const [provider] = chosen;
  const answers = new Answers();
  const passphrase = args.flags['password-stdin']
    ? await readStdin()
    : provider.localCopy
      ? await answers.next('Local passphrase: ', { secret: true })
      : await newPassphrase(answers);
  const stop = onEvent((event) => {
    if (event.name !== 'sso.waiting') return;
    const waiting = event.payload as EventPayload<'sso.waiting'>;
    if (waiting.flow === 'device') {
      io.stdout(`To sign in, open ${waiting.verificationUri} on any device and enter the code ${waiting.userCode}`);
      if (waiting.verificationUriComplete) io.stdout(`  or open: ${waiting.verificationUriComplete}`);
      io.stdout(`Waiting until ${waiting.expiresAt}...`);
    } else {
      io.stdout(`${args.flags['no-browser'] || !browserAvailable(args) ? 'Open this address in a browser on this computer to sign in' : 'Your browser was opened to sign in; if it did not open, open this address'}:\n  ${waiting.authorizationUrl}`);
    }
  });
  try {
    const status = await call('auth.ssoSignIn', { ...target, tenantId: provider.tenantId, passphrase, flow: args.flags.device ? 'device' : 'browser' });
    io.stdout(args.flags.json ? JSON.stringify(status) : `Signed in as ${status.user?.email} to ${status.tenantName} by single sign-on. Offline work allowed until ${status.grantNotAfter}; unlock with your local passphrase.`);
    await reportNotices();
    return exitCodes.ok;
  } finally {
    stop();
  }
}

function browserAvailable(args: ParsedArgs): boolean {
  return canOpenBrowser(process.env, Boolean(args.flags['no-browser']));
}

interface Command {
  summary: string;
  usage: string;
  examples: string[];
  run(context: CommandContext): Promise<number>;
}

/** The default profile: the same folder Electron's app.getPath('userData') uses for "Plantdesk". */
export function defaultProfileDir(): string {
  if (process.platform === 'win32') return path.join(process.env.APPDATA ?? path.join(os.homedir(), 'AppData/Roaming'), 'Plantdesk');
  if (process.platform === 'darwin') return path.join(os.homedir(), 'Library/Application Support/Plantdesk');
  return path.join(process.env.XDG_CONFIG_HOME ?? path.join(os.homedir(), '.config'), 'Plantdesk');
}

const commands: Record<string, Command> = {
  login: {
    summary: 'Sign in online (password, then authenticator code, or --sso) and create or open the local cache; --enrol for a first sign-in from an enrolment link.',
    usage:
      'plantdesk login --server URL --email EMAIL [--password-stdin] [--totp CODE] [--tenant ID] [--json]\n' +
      '       plantdesk login --sso --server URL (--email EMAIL | --tenant ID) [--no-browser | --device] [--password-stdin] [--json]\n' +
      '       plantdesk login --enrol [--json]',
    examples: [
      'plantdesk login --server https://plant.example --email ana@plant.example',
      "printf '%s' \"$PLANTDESK_PASSWORD\" | plantdesk login --server https://plant.example --email ana@plant.example --password-stdin --totp 123456",
      'plantdesk login --enrol   (asks for the link, shows the authenticator secret, then asks for a new password and a code)',
      'plantdesk login --sso --server https://plant.example --email ana@plant.example   (opens the browser; asks for the local passphrase)',
      'plantdesk login --sso --device --server https://plant.example --tenant TENANT_ID   (prints an address and a code to enter on another device)',
    ],
    async run(context) {
      if (context.args.flags.enrol) return enrol(context);
      if (context.args.flags.sso || context.args.flags.device) return ssoLogin(context);
      const { args, io, call, password, reportNotices } = context;
      const server = requiredFlag(args, 'server');
      const email = requiredFlag(args, 'email');
      const secret = await password();
      const totpCode = typeof args.flags.totp === 'string' ? args.flags.totp : await ask('Authenticator code: ');
      const status = await call('auth.signIn', { server, email, password: secret, totpCode, ...(typeof args.flags.tenant === 'string' ? { tenantId: args.flags.tenant } : {}) });
      io.stdout(args.flags.json ? JSON.stringify(status) : `Signed in as ${status.user?.email} to ${status.tenantName}. Offline work allowed until ${status.grantNotAfter}.`);
      await reportNotices();
      return exitCodes.ok;
    },
  },
  password: {
    summary: 'Change your own password on the server; this workstation\'s cache is moved over to it.',
    usage: 'plantdesk password [--json]',
    examples: ['plantdesk password   (asks for the current password, then the new one twice)', "printf '%s\\n%s\\n' \"$OLD\" \"$NEW\" | plantdesk password"],
    async run({ args, io, call }) {
      const answers = new Answers();
      const current = await answers.next('Current password: ', { secret: true });
      await call('auth.unlock', { password: current });
      const next = await newPassword(answers);
      await call('auth.changePassword', { currentPassword: current, newPassword: next });
      io.stdout(args.flags.json ? JSON.stringify({ changed: true }) : 'Password changed. Use the new one from now on, on this and every other workstation.');
      return exitCodes.ok;
    },
  },
  status: {
    summary: 'Who is signed in, tenant, online/offline, grant expiry, pending changes, conflicts and cursor.',
    usage: 'plantdesk status [--password-stdin] [--json]',
    examples: ['plantdesk status', "printf '%s' \"$PLANTDESK_PASSWORD\" | plantdesk status --password-stdin --json"],
    async run({ args, io, call, password }) {
      const before = await call('session.status', {});
      const notices = await call('app.notices', {});
      const noticeLines = notices.map((notice) => `Notice:   ${notice.message}`);
      if (before.state === 'signed_out') {
        io.stdout(args.flags.json ? JSON.stringify({ session: before, notices }) : [...statusLines(before), ...noticeLines].join('\n'));
        return exitCodes.needsSignIn;
      }
      const session = await call('auth.unlock', { password: await password() });
      const sync = await call('sync.state', {});
      io.stdout(args.flags.json ? JSON.stringify({ session, sync, notices }) : [...statusLines(session, sync), ...noticeLines].join('\n'));
      return exitCodes.ok;
    },
  },
  sync: {
    summary: 'Push pending changes, then pull what changed on the server; a first sync downloads a snapshot (progress by phase on a terminal).',
    usage: 'plantdesk sync [--password-stdin] [--json]',
    examples: ['plantdesk sync', "printf '%s' \"$PLANTDESK_PASSWORD\" | plantdesk sync --password-stdin --json"],
    async run({ args, io, call, password, onEvent, interactive }) {
      await call('auth.unlock', { password: await password() });
      // One line per phase (push, pull; a first sync: download, load, index, search), redrawn in place.
      let phase: string | null = null;
      const stop = onEvent((event) => {
        if (!interactive || event.name !== 'sync.progress') return;
        const progress = event.payload as { phase: string; done: number; total: number | null };
        if (phase !== null && phase !== progress.phase) process.stderr.write('\n');
        phase = progress.phase;
        const share = progress.total ? Math.min(1, progress.done / progress.total) : 0;
        const bar = '#'.repeat(Math.round(share * 30)).padEnd(30, '.');
        const unit = progress.phase === 'index' ? 'indexes' : progress.phase === 'search' ? 'entries' : 'rows';
        process.stderr.write(`\r${progress.phase.padEnd(8)} [${bar}] ${progress.done}${progress.total ? `/${progress.total}` : ''} ${unit}`);
      });
      try {
        const summary = await call('sync.now', {});
        if (interactive) process.stderr.write('\n');
        io.stdout(
          args.flags.json
            ? JSON.stringify(summary)
            : `Pushed ${summary.pushed} (applied ${summary.applied}, conflicts ${summary.conflicts}, rejected ${summary.rejected}); pulled ${summary.pulled}; cursor ${summary.cursor}.`,
        );
        return exitCodes.ok;
      } finally {
        stop();
      }
    },
  },
  export: {
    summary: 'Export shift logs, the audit trail, users or sessions to a CSV, JSON Lines or XLSX file.',
    usage: `plantdesk export <${exportModules.join('|')}> --format ${exportFormats.join('|')} --out PATH [--from DATE] [--to DATE] [--area ID,...] [--severity S,...] [--status S,...] [--bom] [--password-stdin] [--json]`,
    examples: [
      'plantdesk export shift-logs --format xlsx --out ./night-shift.xlsx --from 2026-11-01 --to 2026-11-30 --severity high,critical',
      "printf '%s' \"$PLANTDESK_PASSWORD\" | plantdesk export audit --format csv --out /var/exports/audit.csv --password-stdin --json",
    ],
    async run({ args, io, call, password, onEvent, interactive, setExportTarget }) {
      const module = args.positionals[0];
      if (!isExportModule(module)) throw new UsageError(`name what to export: ${oneOf(exportModules)}`);
      const format = requiredFlag(args, 'format');
      if (!isExportFormat(format)) throw new UsageError(`--format must be ${oneOf(exportFormats)}`);
      const out = path.resolve(requiredFlag(args, 'out'));
      const filter = exportFilter(module, args);
      await call('auth.unlock', { password: await password() });
      setExportTarget(out);
      const exportId = randomUUID();
      const stop = onEvent((event) => {
        if (!interactive || event.name !== 'export.progress') return;
        const progress = event.payload as { rowsDone: number; bytesWritten: number };
        process.stderr.write(`\rexported ${progress.rowsDone} rows, ${progress.bytesWritten} bytes`);
      });
      try {
        const result = await call('exports.start', { exportId, module, format, filter, bom: Boolean(args.flags.bom) });
        if (interactive) process.stderr.write('\n');
        if (!result) throw new PlantdeskError('export_failed', 'No file was chosen.');
        io.stdout(args.flags.json ? JSON.stringify(result) : `${result.rows} rows, ${result.bytes} bytes, sha256 ${result.sha256}\n${result.path}`);
        return exitCodes.ok;
      } finally {
        stop();
      }
    },
  },
  lock: {
    summary: 'Lock the local cache (the command line never keeps it open between commands).',
    usage: 'plantdesk lock',
    examples: ['plantdesk lock'],
    async run({ io, call }) {
      const status = await call('auth.lock', {});
      io.stdout(status.state === 'signed_out' ? 'Not signed in on this workstation.' : 'Locked.');
      return exitCodes.ok;
    },
  },
  logout: {
    summary: 'End the server session and forget its token; the local cache and pending changes stay.',
    usage: 'plantdesk logout',
    examples: ['plantdesk logout'],
    async run({ io, call }) {
      await call('auth.signOut', {});
      io.stdout('Signed out. The local cache stays on this workstation; pending changes sync after the next sign-in.');
      return exitCodes.ok;
    },
  },
  wipe: {
    summary: "Remove this workstation's data for the signed-in account: cache, key file and keychain items.",
    usage: 'plantdesk wipe [--yes] [--password-stdin]',
    examples: ['plantdesk wipe', 'plantdesk wipe --yes   (only when no change is waiting to be sent)', "printf '%s' \"$PLANTDESK_PASSWORD\" | plantdesk wipe --password-stdin"],
    async run({ args, io, call, password }) {
      // Unsynced changes are lost with the data: the password, or a confirmation naming how many.
      const preview = await call('auth.wipePreview', {});
      if (args.flags['password-stdin']) {
        await call('auth.wipe', { password: await password() });
      } else if (args.flags.yes) {
        if (preview.pendingChanges > 0) {
          io.stderr(`plantdesk: nothing was removed: ${preview.pendingChanges} change(s) have not reached the server. Run plantdesk sync first, give the password with --password-stdin, or run plantdesk wipe on a terminal and type ${preview.confirmation}.`);
          return exitCodes.failure;
        }
        await call('auth.wipe', { confirm: preview.confirmation });
      } else {
        const question =
          preview.pendingChanges > 0
            ? `${preview.pendingChanges} change(s) have not reached the server and will be lost. Type ${preview.confirmation} to remove this workstation's data: `
            : `Type ${preview.confirmation} to remove this workstation's data: `;
        const answer = await ask(question);
        if (answer.trim() !== preview.confirmation) {
          io.stderr('Nothing was removed.');
          return exitCodes.failure;
        }
        await call('auth.wipe', { confirm: preview.confirmation });
      }
      io.stdout("This workstation's data for the account was removed.");
      return exitCodes.ok;
    },
  },
  version: {
    summary: 'Print the app version and runtime.',
    usage: 'plantdesk version [--json]',
    examples: ['plantdesk version', 'plantdesk version --json'],
    async run({ args, io, call }) {
      const info = await call('app.info', {});
      io.stdout(args.flags.json ? JSON.stringify(info) : `Plantdesk ${info.version} (node ${info.nodeVersion}, ${info.platform}/${info.arch})`);
      return exitCodes.ok;
    },
  },
};

const needsSignInCodes = new Set(['unauthenticated', 'session_revoked', 'session_expired', 'vault_not_found', 'user_inactive', 'no_membership', 'server_key_set_aside']);

/** The error's sentence, with the wait in seconds where the server asked to wait. */
function cliMessage(error: PlantdeskError): string {
  const retryAfter = (error.details as { retryAfter?: unknown } | undefined)?.retryAfter;
  if ((error.code === 'throttled' || error.code === 'rate_limited') && typeof retryAfter === 'number') {
    return `${error.code === 'throttled' ? 'Too many failed attempts' : 'Too many requests'}: wait ${retryAfter} second${retryAfter === 1 ? '' : 's'}, then try again.`;
  }
  return error.message;
}

/** API.md exit codes: 3 needs sign-in, 4 offline past the grant, 5 profile in use, 1 anything else. */
function exitCodeFor(error: unknown): number {
  if (!(error instanceof PlantdeskError)) return exitCodes.failure;
  if (error.code === 'grant_expired') return exitCodes.offlinePastGrant;
  if (error.code === 'profile_in_use') return exitCodes.profileInUse;
  if (needsSignInCodes.has(error.code)) return exitCodes.needsSignIn;
  return exitCodes.failure;
}

function helpText(): string {
  const width = Math.max(...Object.keys(commands).map((name) => name.length));
  return [
    'usage: plantdesk <command> [options]',
    '',
    'commands:',
    ...Object.entries(commands).map(([name, command]) => `  ${name.padEnd(width)}  ${command.summary}`),
    '',
    'options for every command:',
    '  --profile DIR  local data directory (default: the OS app-data folder)',
    '  --help         help for the command',
    '',
    'exit codes: 0 ok, 1 failure, 2 usage, 3 needs sign-in, 4 offline past the grant,',
    '            5 profile in use (the app or another plantdesk command has this profile open)',
    '',
    'Run `plantdesk <command> --help` for examples.',
  ].join('\n');
}

function commandHelp(name: string, command: Command): string {
  return [`usage: ${command.usage}`, '', command.summary, '', 'examples:', ...command.examples.map((e) => `  ${e}`)].join('\n');
}

/** Runs one CLI invocation and returns its exit code; never throws. */
/**
 * What the unlock asks for: the account the core unlocks is the one signed in last; a single
 * sign-on account opens its copy with the local passphrase, not a password.
 */
async function unlockPrompt(call: CommandContext['call']): Promise<string> {
  const accounts = await call('session.accounts', {}).catch(() => []);
  const last = [...accounts].sort((a, b) => b.lastSignInAt.localeCompare(a.lastSignInAt))[0];
  return last?.signInMethod === 'sso' ? 'Passphrase: ' : 'Password: ';
}

export async function runCli(argv: string[], io: CliIo, appVersion: string): Promise<number> {
  let args: ParsedArgs;
  try {
    args = parseArgs(argv);
  } catch (error) {
    io.stderr(`plantdesk: ${(error as Error).message} (see plantdesk --help)`);
    return exitCodes.usage;
  }
  if (!args.command) {
    (args.flags.help ? io.stdout : io.stderr)(helpText());
    return args.flags.help ? exitCodes.ok : exitCodes.usage;
  }
  const command = commands[args.command];
  if (!command) {
    io.stderr(`plantdesk: unknown command '${args.command}' (see plantdesk --help)`);
    return exitCodes.usage;
  }
  if (args.flags.help) {
    io.stdout(commandHelp(args.command, command));
    return exitCodes.ok;
  }
  const profileDir = typeof args.flags.profile === 'string' ? path.resolve(args.flags.profile) : defaultProfileDir();
  let exportTarget: string | null = null;
  let core: Core | null = null;
  try {
    // Inside the try: a profile held by another process is refused here (exit code 5).
    const opened = createWorkstationCore(
      { profileDir, appVersion, profileUser: 'cli' },
      {
        chooseExportPath: async () => exportTarget,
        // Where there is no display the address is printed (sso.waiting) and nothing is started.
        openExternal: async (url) => {
          if (browserAvailable(args)) await openInSystemBrowser(url);
        },
      },
    );
    core = opened;
    let cachedPassword: string | null = null;
    const call: CommandContext['call'] = async (channel, request) => {
      const result = await dispatchCall(channel, request, (checked, req) => opened.call(checked, req));
      if (!result.ok) throw PlantdeskError.fromBody(result.error);
      return result.value as never;
    };
    return await command.run({
      args,
      io,
      interactive: Boolean(process.stderr.isTTY) && !args.flags.quiet,
      setExportTarget: (target) => (exportTarget = target),
      onEvent: (listener) => opened.onEvent(listener),
      async password() {
        if (cachedPassword === null) cachedPassword = args.flags['password-stdin'] ? await readStdin() : await ask(await unlockPrompt(call), { secret: true });
        return cachedPassword;
      },
      call,
      async reportNotices() {
        for (const notice of await call('app.notices', {})) io.stderr(`plantdesk: ${notice.message}`);
      },
    });
  } catch (error) {
    if (error instanceof UsageError) {
      io.stderr(`plantdesk: ${error.message} (see plantdesk ${args.command} --help)`);
      return exitCodes.usage;
    }
    const message = error instanceof PlantdeskError ? cliMessage(error) : 'unexpected failure; nothing was changed.';
    io.stderr(`plantdesk: ${message}`);
    return exitCodeFor(error);
  } finally {
    await core?.close();
  }
}
