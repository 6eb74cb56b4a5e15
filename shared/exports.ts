import { z } from 'zod';
import type { Action, Entity } from './permissions';
import { can, type Ability, type ModuleFlags } from './rbac';
import { AuditFilterSchema, SessionFilterSchema, ShiftLogFilterSchema, UserFilterSchema } from './views';

/**
 * The vocabulary of bulk exports, stated once for the contract, the core, the renderer and the
 * CLI: what can be exported, in which formats, filtered how, and what exporting it needs.
 */

export const exportFormats = ['csv', 'jsonl', 'xlsx'] as const;
export type ExportFormat = (typeof exportFormats)[number];

/** File name extension per format, with its dot, for save dialogs and default names. */
export const exportFileExtensions: Readonly<Record<ExportFormat, string>> = { csv: '.csv', jsonl: '.jsonl', xlsx: '.xlsx' };

/** The modules, in the order the app offers them. */
export const exportModules = ['shift-logs', 'audit', 'users', 'sessions'] as const;
export type ExportModule = (typeof exportModules)[number];

interface ExportModuleSpec {
  /** The entity whose rows the export holds: exporting needs `export` and `read` on it. */
  records: Entity;
  /** The filter the export takes: the same schema as the module's list in the app. */
  filter: z.ZodType<Record<string, unknown>>;
}

/** Per module: which records it holds and how it is filtered. */
export const exportModuleSpecs = {
  'shift-logs': { records: 'log_entry', filter: ShiftLogFilterSchema },
  audit: { records: 'audit_event', filter: AuditFilterSchema },
  users: { records: 'user', filter: UserFilterSchema },
  sessions: { records: 'session', filter: SessionFilterSchema },
} as const satisfies Record<ExportModule, ExportModuleSpec>;

type ExportFilterSchemaOf<M extends ExportModule> = (typeof exportModuleSpecs)[M]['filter'];
export type ExportFilterOf<M extends ExportModule> = z.output<ExportFilterSchemaOf<M>>;

/** A module and its filter as one value, so that a filter never travels with another module. */
export type ExportSelection = { [M in ExportModule]: { module: M; filter: ExportFilterOf<M> } }[ExportModule];

const exportStartFields = {
  /** Chosen by the caller so it can cancel before the first progress event. */
  exportId: z.string().uuid(),
  format: z.enum(exportFormats),
  bom: z.boolean().default(false),
};

/**
 * The `exports.start` request: one shape per module, told apart by `module`, whose filter is
 * that module's filter schema. The contract parses it like every payload, so a filter the
 * module does not take is an invalid_request before the core opens a file.
 */
export const ExportStartRequestSchema = z.discriminatedUnion('module', [
  z.object({ ...exportStartFields, module: z.literal('shift-logs'), filter: exportModuleSpecs['shift-logs'].filter.default({}) }).strict(),
  z.object({ ...exportStartFields, module: z.literal('audit'), filter: exportModuleSpecs.audit.filter.default({}) }).strict(),
  z.object({ ...exportStartFields, module: z.literal('users'), filter: exportModuleSpecs.users.filter.default({}) }).strict(),
  z.object({ ...exportStartFields, module: z.literal('sessions'), filter: exportModuleSpecs.sessions.filter.default({}) }).strict(),
]);
export type ExportStartRequest = z.output<typeof ExportStartRequestSchema>;

// Compiles only while every module has its request shape above.
const _everyModuleHasARequest: Exclude<ExportModule, ExportStartRequest['module']> extends never ? true : never = true;

export function isExportModule(value: unknown): value is ExportModule {
  return typeof value === 'string' && (exportModules as readonly string[]).includes(value);
}

export function isExportFormat(value: unknown): value is ExportFormat {
  return typeof value === 'string' && (exportFormats as readonly string[]).includes(value);
}

/**
 * The permissions an export of `module` needs: the contract's `export` on exports, `export` on
 * the module's records, and `read` on them too, since an export holds exactly the rows its
 * reader may read (without read it could only ever be empty).
 */
export function exportNeeds(module: ExportModule): readonly { action: Action; entity: Entity }[] {
  const { records } = exportModuleSpecs[module];
  return [
    { action: 'export', entity: 'export' },
    { action: 'export', entity: records },
    { action: 'read', entity: records },
  ];
}

/** Who asks, as the core's session and the renderer's access view both describe them. */
export type ExportAccess = Ability & { moduleFlags: ModuleFlags };

/**
 * May this person export `module`? The exports module flag must be on (the records' own module
 * flag is already in the rules: a module switched off removes its permissions), and every
 * permission of exportNeeds held. The core refuses an export on this; the renderer offers only
 * the modules it allows.
 */
export function mayExport(access: ExportAccess, module: ExportModule): boolean {
  return access.moduleFlags.exports && exportNeeds(module).every(({ action, entity }) => can(access, action, entity));
}

/** The modules this person may export, in the order the app offers them. */
export function exportableModules(access: ExportAccess): ExportModule[] {
  return exportModules.filter((module) => mayExport(access, module));
}
