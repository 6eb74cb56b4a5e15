import type { AppInfo, CallResponse, Channel, ParsedCallRequest } from '../../../shared/contract';
import type { Entity } from '../../../shared/permissions';
import type { AdminCalls } from '../admin/admin-calls';
import type { ExportService } from '../exports/service/export-service';
import type { ServerClientFor } from '../net/server-clients';
import type { OpenProfile } from '../session/open-profile';
import type { IdleLock } from '../session/idle-lock';
import type { SessionManager } from '../session/session-manager';
import type { SqliteDatabase } from '../store/open';
import type { RowScope } from '../store/scope';
import type { Writer } from '../sync/local-writes';
import type { SyncScheduler } from '../sync/sync-scheduler';

export type CallHandler<C extends Channel> = (request: ParsedCallRequest<C>) => Promise<CallResponse<C>>;
export type CallHandlers<C extends Channel> = { [K in C]: CallHandler<K> };
/** The channels of one or more contract domains, e.g. ChannelsOf<'users' | 'sessions'>. */
export type ChannelsOf<D extends string> = Extract<Channel, `${D}.${string}`>;

/**
 * What the call handlers share: the parts the core composed once. Handlers check nothing the
 * dispatcher already checked (the request's schema, the permission on the contract entry, the
 * idle and grant locks); they check what depends on the row (its area, its owner).
 */
export interface CallContext {
  app: { version: string; electronVersion: string | null; coreHost: AppInfo['coreHost'] };
  now: () => Date;
  session: SessionManager;
  profile: OpenProfile;
  idleLock: IdleLock;
  sync: SyncScheduler;
  exports: ExportService;
  admin: AdminCalls;
  clientFor: ServerClientFor;
  /** Shows a file in the system file manager (the app's shell; absent under the CLI). */
  revealInFolder: ((path: string) => Promise<void>) | null;
  /** The open cache; throws `locked` when there is none. */
  db(): SqliteDatabase;
  /** The rows of an entity the grant lets this person read, as a scope the queries apply in SQL. */
  readScope(entity: Entity): RowScope;
  /** The session facts a local write needs, at this moment. */
  writer(): Writer;
}
