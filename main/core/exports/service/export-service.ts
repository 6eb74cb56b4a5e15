import { PlantdeskError } from '../../../../shared/errors';
import { exportFileExtensions, type ExportFormat, type ExportModule, type ExportStartRequest } from '../../../../shared/exports';
import { exportAuditDetails, type LocalAuditDetails } from '../../../../shared/local-audit';
import type { Entity } from '../../../../shared/permissions';
import type { ExportProgress, ExportResult } from '../engine/types';
import type { OpenSession } from '../../session/session-manager';
import type { RowScope } from '../../store/scope';
import { queueMutation } from '../../store/queue-mutation';
import { exportRecords } from '../../store/queries/export-rows';
import { runExport } from './exporters';

/** Where the host asks a person to save a file (Electron: the save dialog; CLI: --out). */
export type ChooseExportPath = (suggestion: { module: ExportModule; format: ExportFormat; defaultName: string }) => Promise<string | null>;

/**
 * An `exports.start` request as the contract parsed it (its filter is the module's own). `path`
 * is given by the CLI; the app's renderer never names a path, the host's dialog does.
 */
export type StartExport = ExportStartRequest & { path?: string };

/**
 * Runs exports for one core: the path comes from the host, progress goes out as events, a
 * running export can be cancelled, and each finished export is audited as an audit.local
 * mutation (module, filter, format, rows, bytes, SHA-256) that syncs with the outbox.
 */
export class ExportService {
  private readonly running = new Map<string, AbortController>();
  private idleWaiters: (() => void)[] = [];

  constructor(
    private readonly deps: {
      session: () => OpenSession;
      readScope: (entity: Entity) => RowScope;
      now: () => Date;
      chooseExportPath: ChooseExportPath | null;
      onProgress: (exportId: string, progress: ExportProgress) => void;
    },
  ) {}

  async start(request: StartExport): Promise<ExportResult | null> {
    const open = this.deps.session();
    if (this.running.has(request.exportId)) throw new PlantdeskError('invalid_request', 'An export with this id is already running.');
    const defaultName = `plantdesk-${request.module}-${this.deps.now().toISOString().slice(0, 10)}${exportFileExtensions[request.format]}`;
    let path = request.path ?? null;
    if (!path) {
      if (!this.deps.chooseExportPath) throw new PlantdeskError('invalid_request', 'This host cannot ask where to save the export.');
      path = await this.deps.chooseExportPath({ module: request.module, format: request.format, defaultName });
      if (!path) return null;
    }
    const controller = new AbortController();
    this.running.set(request.exportId, controller);
    try {
      const context = { db: open.vault.db, ability: open.ability, grant: open.grant, readScope: this.deps.readScope };
      const result = await runExport(context, {
        ...request,
        path,
        signal: controller.signal,
        onProgress: (progress) => this.deps.onProgress(request.exportId, progress),
      });
      const now = this.deps.now();
      queueMutation(open.vault.db, {
        name: 'audit.local',
        args: {
          action: 'export',
          at: now.toISOString(),
          // Shaped so the server's trail accepts it whatever the path and filter hold.
          details: exportAuditDetails({ module: request.module, filter: request.filter, format: request.format, rows: result.rows, bytes: result.bytes, sha256: result.sha256, path: result.path }),
        },
        grantId: open.grant.grantId,
        actorId: open.account.userId,
        now,
      });
      return result;
    } finally {
      this.running.delete(request.exportId);
      if (this.running.size === 0) for (const wake of this.idleWaiters.splice(0)) wake();
    }
  }

  /**
   * Settles once no export runs; null when none does. Each export reads the cache connection it
   * started on until its file is written, so that connection must not be closed before then.
   */
  whenIdle(): Promise<void> | null {
    if (this.running.size === 0) return null;
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  cancel(exportId: string): boolean {
    const controller = this.running.get(exportId);
    controller?.abort();
    return controller !== undefined;
  }

  cancelAll(): void {
    for (const controller of this.running.values()) controller.abort();
  }

  history(): { module: string; at: string; filter: Record<string, unknown>; path: string; format: ExportFormat; rows: number; bytes: number; sha256: string }[] {
    return exportRecords(this.deps.session().vault.db).map((details) => {
      const args = (JSON.parse(details) as { args: { at: string; details: Record<string, unknown> } }).args;
      const d = args.details as LocalAuditDetails<'export'>;
      return { module: d.module, at: args.at, filter: d.filter, path: d.path, format: d.format, rows: d.rows, bytes: d.bytes, sha256: d.sha256 };
    });
  }
}
