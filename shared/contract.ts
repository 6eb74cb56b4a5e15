import { z } from 'zod';
import type { Result } from './errors';
import { CreateUserRequestSchema, EnrolmentLinkSchema, UpdateUserRequestSchema } from './domain/admin';
import { LogEntryAmendFields, mutationSpecs } from './mutations';
import { ExportStartRequestSchema, exportFormats } from './exports';
import type { RequiredPermission } from './permissions';
import { ChainVerificationSchema } from './domain/audit';
import { SsoConnectionTestRequestSchema, SsoConnectionTestSchema, SsoSettingsPatchSchema, SsoSettingsRowSchema } from './domain/sso';
import { signoffMeanings } from './domain/plant';
import { conflictKinds, conflictReasons } from './sync-protocol';
import {
  AccessViewSchema,
  AreaViewSchema,
  AuditEventViewSchema,
  EntriesPerDaySchema,
  OutboxItemViewSchema,
  AuditFilterSchema,
  LogEntryViewSchema,
  pageOf,
  PageRequestSchema,
  SessionFilterSchema,
  SessionViewSchema,
  ShiftLogDetailSchema,
  ShiftLogFilterSchema,
  ShiftLogListItemSchema,
  ShiftLogSortSchema,
  ListTotalsSchema,
  LogEntrySortSchema,
  SyncStateViewSchema,
  UserFilterSchema,
  UserSortSchema,
  UserViewSchema,
} from './views';

/**
 * The single source of every renderer -> main call and every main -> renderer event.
 * The preload, the IPC router, the CLI and the test bridge are all built from this table;
 * add a call here and it exists everywhere, with one schema.
 *
 * Channel names are `domain.method`: the renderer reaches them as
 * `window.plantdesk.domain.method(request)`.
 */

interface CallSpec<Req extends z.ZodType, Res extends z.ZodType> {
  request: Req;
  response: Res;
  /** null: the call reads nothing the grant guards (app metadata, session state). */
  permission: RequiredPermission | null;
  /**
   * true: the call does not count as a person being active, so it never postpones the idle
   * lock: metadata, and the reads a window repeats by itself (after every sync, on focus).
   * Were those activity, syncs would keep an unattended workstation open for ever. Anything a
   * person does (writes, sign-in, exports, online admin actions) is false; the renderer reports
   * real input with session.activity.
   */
  passive: boolean;
  summary: string;
}

function defineCall<Req extends z.ZodType, Res extends z.ZodType>(spec: CallSpec<Req, Res>): CallSpec<Req, Res> {
  return spec;
}

const NoArguments = z.object({}).strict();

export const AppInfoSchema = z.object({
  name: z.literal('Plantdesk'),
  version: z.string().min(1),
  platform: z.string().min(1),
  arch: z.string().min(1),
  nodeVersion: z.string().min(1),
  electronVersion: z.string().min(1).nullable(),
  /** Where the engine runs: 'worker' in the app, 'inline' in the CLI and the test bridge. */
  coreHost: z.enum(['worker', 'inline']),
});
export type AppInfo = z.infer<typeof AppInfoSchema>;

export const SessionStatusSchema = z.object({
  state: z.enum(['signed_out', 'locked', 'unlocked']),
  online: z.boolean(),
  user: z.object({ id: z.string(), email: z.string(), displayName: z.string() }).nullable(),
  tenantId: z.string().nullable(),
  tenantName: z.string().nullable(),
  server: z.string().nullable(),
  /** Until when this workstation may work offline (the grant's notAfter), while unlocked. */
  grantNotAfter: z.string().datetime({ offset: true }).nullable(),
  lockReason: z.enum(['manual', 'idle', 'grant_expired', 'session_ended']).nullable(),
  /** The server ended the session: only an online sign-in opens the cache again. */
  needsOnlineSignIn: z.boolean(),
});
export type SessionStatus = z.infer<typeof SessionStatusSchema>;

const ShiftLogListRequestSchema = z
  .object({
    filter: ShiftLogFilterSchema.default({}),
    /**
     * Only logs waiting for my sign-off: submitted or reviewed, in an area where I may sign,
     * and not signed by me since they were last reopened.
     */
    waitingForMySignature: z.boolean().optional(),
    sort: ShiftLogSortSchema.optional(),
    page: PageRequestSchema.optional(),
  })
  .strict();
const LogEntryListRequestSchema = z.object({ filter: ShiftLogFilterSchema.default({}), sort: LogEntrySortSchema.optional(), page: PageRequestSchema.optional() }).strict();

const Password = z.string().min(1).max(1024);
const ServerAddress = z.string().min(1).max(2048);
/** Whose single sign-on: the organisation by id, or by the domain of the person's email. */
const SsoTarget = z
  .object({ server: ServerAddress, tenantId: z.string().min(1).max(100).optional(), email: z.string().min(3).max(320).optional() })
  .strict()
  .refine((target) => target.tenantId !== undefined || target.email !== undefined, { message: 'give the organisation or an email address' });
const AccountRef = z.object({ server: z.string().min(1), userId: z.string().min(1), tenantId: z.string().min(1) }).strict();

export const KnownAccountSchema = z.object({
  server: z.string(),
  userId: z.string(),
  email: z.string(),
  displayName: z.string(),
  tenantId: z.string(),
  tenantName: z.string(),
  lastSignInAt: z.string(),
  /** Until when the last verified grant allows offline work (not secret: shown on the unlock screen). */
  grantNotAfter: z.string().datetime({ offset: true }).nullable().optional(),
  /** Changes not yet sent when the cache was last closed (not secret: a wipe names how many it discards). */
  pendingChanges: z.number().int().min(0).optional(),
  /** The tenant's site zone when the cache was last closed, so the locked screen keeps the site's clock. */
  timeZone: z.string().min(1).max(64).optional(),
  /**
   * How the account last signed in here: `sso` accounts unlock with a local passphrase chosen at
   * their first single sign-on on this workstation, not a password (absent: password).
   */
  signInMethod: z.enum(['password', 'sso']).optional(),
});
export type KnownAccount = z.infer<typeof KnownAccountSchema>;

export const SyncSummarySchema = z.object({
  pushed: z.number().int(),
  applied: z.number().int(),
  /** Of the applied, the changes people made (the workstation's own audit records left out). */
  appliedChanges: z.number().int().default(0),
  conflicts: z.number().int(),
  rejected: z.number().int(),
  pulled: z.number().int(),
  cursor: z.number().int(),
});

export const ConflictViewSchema = z.object({
  id: z.number().int(),
  mutationId: z.string(),
  name: z.string(),
  args: z.unknown(),
  reason: z.enum(conflictReasons),
  serverRow: z.record(z.string(), z.unknown()).nullable(),
  message: z.string().nullable(),
  createdAt: z.string(),
  /**
   * For a sign-off that conflicted: the log it was for and what was added or amended in it
   * after the person signed, so a retry is made over content they have seen.
   */
  signOffReview: z
    .object({
      shiftLogId: z.string(),
      meaning: z.string(),
      signedAt: z.string(),
      changes: z.array(z.object({ kind: z.enum(['entry', 'amendment']), id: z.string(), entryId: z.string(), at: z.string(), authorId: z.string(), body: z.string().nullable() })),
    })
    .nullable()
    .default(null),
  /** The log the change concerns, named (area, shift date, shift), for the card's title and link. */
  log: z.object({ id: z.string(), areaName: z.string().nullable(), shiftDate: z.string(), shiftName: z.string() }).nullable().default(null),
  /** For a conflict: what the server found, and who changed the row there last and when. */
  serverChange: z.object({ kind: z.enum(conflictKinds), changedBy: z.string().nullable(), changedAt: z.string().nullable() }).nullable().default(null),
  /** Display names of the people the card mentions, where the reader may see them. */
  people: z.record(z.string(), z.string()).default({}),
});

export const ExportResultSchema = z.object({
  path: z.string(),
  format: z.enum(exportFormats),
  rows: z.number().int(),
  bytes: z.number().int(),
  sha256: z.string(),
});

export const ExportHistoryItemSchema = ExportResultSchema.extend({ module: z.string(), at: z.string(), filter: z.record(z.string(), z.unknown()) });

/**
 * Something the workstation found while starting or signing in that a person should know
 * about: a damaged profile file set aside (kept for support, never deleted), or a server key
 * trusted anew because its earlier record was damaged. `message` is the core's English
 * sentence (the CLI prints it); the window words it from `code`, `keptAs` and `server`.
 */
export const profileNoticeCodes = ['accounts_set_aside', 'device_set_aside', 'server_pin_set_aside', 'wipe_log_set_aside', 'unlock_attempts_set_aside', 'server_key_trusted_anew'] as const;
export const ProfileNoticeSchema = z.object({
  code: z.enum(profileNoticeCodes),
  at: z.string().datetime({ offset: true }),
  /** Where the damaged file was moved (a path in the profile), for support. */
  keptAs: z.string().nullable(),
  server: z.string().nullable(),
  /** For a key trusted anew: its id and SHA-256 fingerprint, to compare with the administrator's. */
  keyId: z.string().nullable(),
  keyFingerprint: z.string().nullable(),
  message: z.string(),
});
export type ProfileNotice = z.infer<typeof ProfileNoticeSchema>;

export const calls = {
  'app.info': defineCall({
    request: NoArguments,
    response: AppInfoSchema,
    permission: null,
    passive: true,
    summary: 'Version and runtime of this workstation app.',
  }),
  'app.notices': defineCall({
    request: NoArguments,
    response: z.array(ProfileNoticeSchema),
    permission: null,
    passive: true,
    summary: 'What this workstation set aside or trusted anew since it started (damaged profile files, a server key trusted again).',
  }),
  'session.status': defineCall({
    request: NoArguments,
    response: SessionStatusSchema,
    permission: null,
    passive: true,
    summary: 'Who is signed in, whether the cache is unlocked, and until when offline work is allowed.',
  }),
  'session.accounts': defineCall({
    request: NoArguments,
    response: z.array(KnownAccountSchema),
    permission: null,
    passive: true,
    summary: 'The accounts with a local cache on this workstation (offered by the unlock screen).',
  }),
  'session.activity': defineCall({
    request: NoArguments,
    response: z.object({ idleLockAt: z.string().datetime({ offset: true }).nullable() }),
    permission: null,
    passive: false,
    summary: 'Tells the engine a person is active, postponing the idle lock.',
  }),
  'auth.signIn': defineCall({
    request: z
      .object({
        server: ServerAddress,
        email: z.string().min(3).max(320),
        password: Password,
        totpCode: z.string().regex(/^\d{6}$/),
        tenantId: z.string().min(1).max(100).optional(),
        previousPassword: Password.optional(),
      })
      .strict(),
    response: SessionStatusSchema,
    permission: null,
    passive: false,
    summary: 'Online sign-in with password and authenticator code; opens or creates the local cache.',
  }),
  'auth.unlock': defineCall({
    request: z.object({ password: Password, account: AccountRef.optional() }).strict(),
    response: SessionStatusSchema,
    permission: null,
    passive: false,
    summary: 'Opens the local cache with the password, offline within the grant window.',
  }),
  'auth.lock': defineCall({
    request: NoArguments,
    response: SessionStatusSchema,
    permission: null,
    passive: false,
    summary: 'Locks now: closes the cache and forgets its key.',
  }),
  'auth.signOut': defineCall({
    request: NoArguments,
    response: SessionStatusSchema,
    permission: null,
    passive: false,
    summary: 'Ends the server session and forgets the token; the local cache and pending changes stay.',
  }),
  'auth.wipe': defineCall({
    /**
     * Destroys unsynced work, so it is guarded: with nothing pending `confirm: 'REMOVE'`; with
     * pending changes the account's password, or `confirm: 'DISCARD <n>'` naming how many.
     */
    request: z.object({ confirm: z.string().min(1).max(40).optional(), password: Password.optional() }).strict(),
    response: SessionStatusSchema,
    permission: null,
    passive: false,
    summary: "Removes this workstation's data for the current account: cache, key file and keychain items.",
  }),
  'auth.wipePreview': defineCall({
    request: NoArguments,
    response: z.object({ pendingChanges: z.number().int().min(0), confirmation: z.string() }),
    permission: null,
    passive: false,
    summary: 'What removing this workstation’s data would discard, and the words that confirm it.',
  }),
  'auth.enrolmentStart': defineCall({
    request: z.object({ link: z.string().min(1).max(2048) }).strict(),
    response: z
      .object({
        server: z.string(),
        email: z.string(),
        displayName: z.string(),
        tenantName: z.string(),
        expiresAt: z.string(),
        totpSecret: z.string(),
        otpauthUri: z.string(),
      })
      .strict(),
    permission: null,
    passive: false,
    summary: 'Reads an enrolment link: whom it is for, and the authenticator secret to enrol (shown to that person only).',
  }),
  'auth.enrolmentComplete': defineCall({
    request: z.object({ link: z.string().min(1).max(2048), password: Password, totpCode: z.string().regex(/^\d{6}$/), previousPassword: Password.optional() }).strict(),
    response: SessionStatusSchema,
    permission: null,
    passive: false,
    summary: 'Sets the person’s own password and enrols their authenticator, then signs in and creates the local cache.',
  }),
  'auth.changePassword': defineCall({
    request: z.object({ currentPassword: Password, newPassword: Password }).strict(),
    response: z.object({ ok: z.literal(true) }),
    permission: null,
    passive: false,
    summary: 'Changes the signed-in person’s own password on the server and re-wraps this workstation’s cache key under it (online only).',
  }),
  'auth.ssoProviders': defineCall({
    request: SsoTarget,
    response: z.object({
      providers: z.array(
        z.object({
          tenantId: z.string(),
          tenantName: z.string(),
          /** Passwords are refused for the organisation's members (break-glass admins aside). */
          ssoRequired: z.boolean(),
          /** This workstation already holds this organisation's data for an SSO account: ask for its passphrase, not a new one. */
          localCopy: z.boolean(),
        }),
      ),
    }),
    permission: null,
    passive: false,
    summary: 'Which organisations sign in with single sign-on for an email address (or an organisation id), and whether this workstation already has a local copy (passphrase) for each.',
  }),
  'auth.ssoSignIn': defineCall({
    request: SsoTarget.extend({
      /** The local unlock passphrase: a new one at the first SSO sign-in on this workstation (password rules), else the one chosen then. */
      passphrase: Password,
      /** browser: the system browser and a loopback redirect (RFC 8252); device: a code to enter on another device (RFC 8628). */
      flow: z.enum(['browser', 'device']).default('browser'),
    }),
    response: SessionStatusSchema,
    permission: null,
    passive: false,
    summary: 'Single sign-on in the system browser (or by device code), then opens or creates the local cache under the local passphrase; answers once the browser came back (event sso.waiting meanwhile).',
  }),
  'auth.ssoCancel': defineCall({
    request: NoArguments,
    response: z.object({ cancelled: z.boolean() }),
    permission: null,
    passive: false,
    summary: 'Stops a single sign-on that waits for the browser; the pending auth.ssoSignIn fails with sso_cancelled.',
  }),
  'auth.changePassphrase': defineCall({
    request: z.object({ currentPassphrase: Password, newPassphrase: Password }).strict(),
    response: z.object({ ok: z.literal(true) }),
    permission: null,
    passive: false,
    summary: 'Changes the local unlock passphrase of a single sign-on account (needs the current one; works offline): re-wraps the cache key.',
  }),
  'sync.state': defineCall({
    request: NoArguments,
    response: SyncStateViewSchema,
    permission: null,
    passive: true,
    summary: 'Pending changes, open conflicts and the pull cursor of the open cache.',
  }),
  'logEntries.create': defineCall({
    request: mutationSpecs['logEntry.create'].args.omit({ id: true }).strict(),
    response: z.object({ entryId: z.string(), mutationId: z.string(), seq: z.number().int() }),
    permission: { action: 'create', entity: 'log_entry' },
    passive: false,
    summary: 'Adds an entry to a shift log, offline or online; it is pending until the server confirms it.',
  }),
  'sync.now': defineCall({
    request: NoArguments,
    response: SyncSummarySchema,
    permission: null,
    passive: false,
    summary: 'Pushes pending changes, then pulls what changed on the server; needs a connection.',
  }),
  'logEntries.amend': defineCall({
    request: LogEntryAmendFields.omit({ id: true }).strict(),
    response: z.object({ amendmentId: z.string(), mutationId: z.string(), seq: z.number().int() }),
    permission: { action: 'amend', entity: 'log_entry' },
    passive: false,
    summary: 'Corrects, adds to or voids an entry, with a reason; the original stays as it was.',
  }),
  'comments.create': defineCall({
    request: mutationSpecs['comment.create'].args.omit({ id: true }).strict(),
    response: z.object({ commentId: z.string(), mutationId: z.string(), seq: z.number().int() }),
    permission: { action: 'create', entity: 'comment' },
    passive: false,
    summary: 'Comments on a shift log or one of its entries.',
  }),
  'shiftLogs.submit': defineCall({
    request: mutationSpecs['shiftLog.submit'].args,
    response: z.object({ mutationId: z.string(), seq: z.number().int() }),
    permission: { action: 'update', entity: 'shift_log' },
    passive: false,
    summary: 'Submits an open shift log for review.',
  }),
  'shiftLogs.reopen': defineCall({
    request: mutationSpecs['shiftLog.reopen'].args,
    response: z.object({ mutationId: z.string(), seq: z.number().int() }),
    permission: { action: 'sign', entity: 'shift_log' },
    passive: false,
    summary: 'Reopens a signed shift log (admins, with a reason); later additions are marked as added after sign-off.',
  }),
  'handovers.acknowledge': defineCall({
    request: mutationSpecs['handover.acknowledge'].args,
    response: z.object({ mutationId: z.string(), seq: z.number().int() }),
    permission: { action: 'update', entity: 'handover' },
    passive: false,
    summary: 'Acknowledges a handover as the outgoing or incoming shift.',
  }),
  'shiftLogs.signOff': defineCall({
    request: z.object({ shiftLogId: z.string().min(1).max(100), meaning: z.enum(signoffMeanings), password: Password }).strict(),
    response: z.object({ signoffId: z.string(), mutationId: z.string(), contentHash: z.string() }),
    permission: { action: 'sign', entity: 'shift_log' },
    passive: false,
    summary: 'Signs the shift log with a stated meaning; asks for the password again, online or offline.',
  }),
  'exports.start': defineCall({
    request: ExportStartRequestSchema,
    response: ExportResultSchema.nullable(),
    permission: { action: 'export', entity: 'export' },
    passive: false,
    summary: 'Asks where to save (the app\'s own save dialog), then writes the export; null when the dialog was cancelled.',
  }),
  'exports.cancel': defineCall({
    request: z.object({ exportId: z.string().uuid() }).strict(),
    response: z.object({ cancelled: z.boolean() }),
    permission: null,
    passive: false,
    summary: 'Stops a running export; the target file is left as it was.',
  }),
  'exports.history': defineCall({
    request: NoArguments,
    response: z.array(ExportHistoryItemSchema),
    permission: null,
    passive: true,
    summary: 'Exports made on this workstation: module, format, rows, size, SHA-256 and file.',
  }),
  'users.update': defineCall({
    request: z.object({ userId: z.string().min(1).max(100), patch: UpdateUserRequestSchema }).strict(),
    response: z.object({ ok: z.literal(true) }),
    permission: { action: 'manage', entity: 'user' },
    passive: false,
    summary: "Changes a user's status, role, areas or module flags on the server (online only).",
  }),
  'users.create': defineCall({
    request: CreateUserRequestSchema,
    response: z.object({ userId: z.string(), enrolment: EnrolmentLinkSchema }),
    permission: { action: 'manage', entity: 'user' },
    passive: false,
    summary: 'Adds a person; answers a one-time enrolment link (never a password or authenticator secret) to hand them (online only).',
  }),
  'users.resetSignIn': defineCall({
    request: z.object({ userId: z.string().min(1).max(100), reason: z.string().min(1).max(2000).optional() }).strict(),
    response: z.object({ enrolment: EnrolmentLinkSchema }),
    permission: { action: 'manage', entity: 'user' },
    passive: false,
    summary: 'Clears a person’s password and authenticator and answers a one-time enrolment link for them to set both again (online only).',
  }),
  'users.unlock': defineCall({
    request: z.object({ userId: z.string().min(1).max(100), reason: z.string().min(1).max(2000).optional() }).strict(),
    response: z.object({ ok: z.literal(true) }),
    permission: { action: 'manage', entity: 'user' },
    passive: false,
    summary: 'Unlocks an account locked after failed sign-ins (online only).',
  }),
  'ssoSettings.get': defineCall({
    request: NoArguments,
    response: SsoSettingsRowSchema,
    permission: { action: 'manage', entity: 'tenant_settings' },
    passive: true,
    summary: "The organisation's single sign-on settings, read from the server (online only); the client secret only as whether one is set.",
  }),
  'ssoSettings.update': defineCall({
    request: SsoSettingsPatchSchema,
    response: SsoSettingsRowSchema,
    permission: { action: 'manage', entity: 'tenant_settings' },
    passive: false,
    summary: "Changes the organisation's single sign-on settings on the server (online only; audited there, the secret masked).",
  }),
  'ssoSettings.test': defineCall({
    request: SsoConnectionTestRequestSchema,
    response: SsoConnectionTestSchema,
    permission: { action: 'manage', entity: 'tenant_settings' },
    passive: false,
    summary: "Has the server run discovery against the identity provider (the saved one, or the issuer and client id given) and answers each problem found (online only).",
  }),
  'users.erase': defineCall({
    request: z.object({ userId: z.string().min(1).max(100), reason: z.string().min(1).max(2000) }).strict(),
    response: z.object({ ok: z.literal(true) }),
    permission: { action: 'manage', entity: 'user' },
    passive: false,
    summary: "Replaces a user's personal data by a pseudonym; the audit trail is kept (online only).",
  }),
  'sessions.revoke': defineCall({
    request: z.union([z.object({ sessionId: z.string().min(1).max(100) }).strict(), z.object({ userId: z.string().min(1).max(100) }).strict()]),
    response: z.object({ ok: z.literal(true) }),
    permission: { action: 'revoke', entity: 'session' },
    passive: false,
    summary: "Ends one session, or all of a user's sessions (online only).",
  }),
  'conflicts.list': defineCall({
    request: NoArguments,
    response: z.array(ConflictViewSchema),
    permission: null,
    passive: true,
    summary: 'Changes the server refused or found in conflict, with the local intent and the server row.',
  }),
  'conflicts.retry': defineCall({
    /** A sign-off is a signature: retrying one takes the password again, at that moment. */
    request: z.object({ id: z.number().int().positive(), password: Password.optional() }).strict(),
    response: z.object({ mutationId: z.string() }),
    permission: null,
    passive: false,
    summary: "Queues the change again, on the server's current version.",
  }),
  'conflicts.discard': defineCall({
    request: z.object({ id: z.number().int().positive() }).strict(),
    response: z.object({ discarded: z.literal(true) }),
    permission: null,
    passive: false,
    summary: 'Drops the change for good; the discard is recorded in the audit trail.',
  }),
  'shiftLogs.list': defineCall({
    request: ShiftLogListRequestSchema,
    response: pageOf(ShiftLogListItemSchema),
    permission: { action: 'read', entity: 'shift_log' },
    passive: true,
    summary: 'Shift logs the grant may read, filtered (or only those waiting for my sign-off), sorted by a column (newest first by default), keyset-paged.',
  }),
  'shiftLogs.totals': defineCall({
    request: ShiftLogListRequestSchema.omit({ page: true, sort: true }),
    response: ListTotalsSchema,
    permission: { action: 'read', entity: 'shift_log' },
    passive: true,
    summary: 'How many shift logs match the same request as the list, and how many the grant may read in all.',
  }),
  'shiftLogs.entries': defineCall({
    request: LogEntryListRequestSchema,
    response: pageOf(LogEntryViewSchema),
    permission: { action: 'read', entity: 'log_entry' },
    passive: true,
    summary: 'Log entries across shift logs, filtered (full-text search included), sorted by a column or by best match, keyset-paged.',
  }),
  'shiftLogs.entryTotals': defineCall({
    request: LogEntryListRequestSchema.omit({ page: true, sort: true }),
    response: ListTotalsSchema,
    permission: { action: 'read', entity: 'log_entry' },
    passive: true,
    summary: 'How many log entries match the same filter as the entry list, and how many the grant may read in all.',
  }),
  'shiftLogs.get': defineCall({
    request: z.object({ id: z.string().min(1).max(100) }).strict(),
    response: ShiftLogDetailSchema.nullable(),
    permission: { action: 'read', entity: 'shift_log' },
    passive: true,
    summary: 'One shift log with its entries (amendments beside originals), comments and sign-offs.',
  }),
  'users.list': defineCall({
    request: z.object({ filter: UserFilterSchema.default({}), sort: UserSortSchema.optional(), page: PageRequestSchema.optional() }).strict(),
    response: pageOf(UserViewSchema),
    permission: { action: 'read', entity: 'user' },
    passive: true,
    summary: 'Users of the tenant with their role, areas and module flags; sorted by name, email, role, status or last sign-in (email when absent), keyset-paged; last sign-in from the cached sessions the reader may read.',
  }),
  'sessions.list': defineCall({
    request: z.object({ filter: SessionFilterSchema.default({}), page: PageRequestSchema.optional() }).strict(),
    response: pageOf(SessionViewSchema),
    permission: { action: 'read', entity: 'session' },
    passive: true,
    summary: 'Sessions of the tenant (device, IP, last seen), newest first, read from the server (online only: its last-seen and expiry times are live; the cache holds sign-ins for last sign-in and device names).',
  }),
  'audit.list': defineCall({
    request: z.object({ filter: AuditFilterSchema.default({}), page: PageRequestSchema.optional() }).strict(),
    response: pageOf(AuditEventViewSchema),
    permission: { action: 'read', entity: 'audit_event' },
    passive: true,
    summary: 'Audit events downloaded to this workstation, newest first, each with its record and device named where the reader may see them.',
  }),
  'session.access': defineCall({
    request: NoArguments,
    response: AccessViewSchema,
    permission: null,
    passive: true,
    summary: 'What the signed-in person may do (rules, module flags, areas) from the verified grant, so the UI shows only permitted actions.',
  }),
  'areas.list': defineCall({
    request: NoArguments,
    response: z.array(AreaViewSchema),
    permission: null,
    passive: true,
    summary: 'The area tree of the tenant (sites with their time zones), for filters and forms.',
  }),
  'shiftLogs.stats': defineCall({
    request: z.object({ filter: ShiftLogFilterSchema.default({}) }).strict(),
    response: EntriesPerDaySchema,
    permission: { action: 'read', entity: 'log_entry' },
    passive: true,
    summary: "Entries per shift date and severity for the same filter as the entry list: from the filter's first date to its last (or the newest), or without a first date the newest month up to the filter's or the data's end.",
  }),
  'audit.verify': defineCall({
    request: NoArguments,
    response: ChainVerificationSchema.extend({ complete: z.boolean() }),
    permission: { action: 'read', entity: 'audit_event' },
    passive: true,
    summary: "Re-checks the downloaded audit chain (seq, prev_hash, hash); `complete` is false when the grant only shows part of the trail.",
  }),
  'sync.outbox': defineCall({
    request: z.object({ limit: z.number().int().min(1).max(500).default(200) }).strict(),
    response: z.array(OutboxItemViewSchema),
    permission: null,
    passive: true,
    summary: 'Changes made on this workstation that the server has not answered yet, oldest first.',
  }),
  'exports.reveal': defineCall({
    request: z.object({ path: z.string().min(1).max(4096) }).strict(),
    response: z.object({ shown: z.boolean() }),
    permission: null,
    passive: false,
    summary: 'Shows an exported file in the system file manager; only files from this workstation\'s export history.',
  }),
} as const;

export const SyncProgressSchema = z.object({ phase: z.enum(['push', 'pull', 'download', 'load', 'index', 'search']), done: z.number().int(), total: z.number().int().nullable() });

export const events = {
  'session.changed': SessionStatusSchema,
  'sync.progress': SyncProgressSchema,
  'export.progress': z.object({ exportId: z.string(), rowsDone: z.number().int(), rowsTotal: z.number().int().nullable(), bytesWritten: z.number().int() }),
  /** A single sign-on waits for the person: the address the browser was sent to, or the code to enter elsewhere. */
  'sso.waiting': z.discriminatedUnion('flow', [
    z.object({ flow: z.literal('browser'), authorizationUrl: z.string(), expiresAt: z.string().datetime({ offset: true }) }),
    z.object({ flow: z.literal('device'), verificationUri: z.string(), verificationUriComplete: z.string().nullable(), userCode: z.string(), expiresAt: z.string().datetime({ offset: true }) }),
  ]),
  'sync.finished': z.object({ ok: z.boolean(), summary: SyncSummarySchema.nullable(), error: z.object({ code: z.string(), message: z.string() }).nullable() }),
} as const;

export type Channel = keyof typeof calls;
export type EventName = keyof typeof events;
export type CallRequest<C extends Channel> = z.input<(typeof calls)[C]['request']>;
/** The request as a handler receives it: parsed, defaults filled in. */
export type ParsedCallRequest<C extends Channel> = z.output<(typeof calls)[C]['request']>;
export type CallResponse<C extends Channel> = z.output<(typeof calls)[C]['response']>;
export type EventPayload<E extends EventName> = z.output<(typeof events)[E]>;

export const channels = Object.keys(calls) as Channel[];
export const eventNames = Object.keys(events) as EventName[];

export function isChannel(value: unknown): value is Channel {
  return typeof value === 'string' && Object.hasOwn(calls, value);
}

export function isEventName(value: unknown): value is EventName {
  return typeof value === 'string' && Object.hasOwn(events, value);
}

/** One event as it travels from the core to a window. */
export interface ContractEvent<E extends EventName = EventName> {
  name: E;
  payload: EventPayload<E>;
}

type DomainOf<C extends string> = C extends `${infer D}.${string}` ? D : never;
type MethodsOf<D extends string> = {
  [C in Channel as C extends `${D}.${infer M}` ? M : never]: (
    request?: CallRequest<C>,
  ) => Promise<Result<CallResponse<C>>>;
};

/** The shape of `window.plantdesk`, derived from the table above. */
export type PlantdeskApi = { [D in DomainOf<Channel>]: MethodsOf<D> } & {
  onEvent<E extends EventName>(name: E, listener: (payload: EventPayload<E>) => void): () => void;
};
