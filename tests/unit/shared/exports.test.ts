import { describe, expect, it, vi } from 'vitest';
import { calls } from '../../../shared/contract';
import { dispatchCall } from '../../../shared/dispatch';
import { exportableModules, exportModules, mayExport, type ExportAccess, type ExportModule } from '../../../shared/exports';
import { defaultModuleFlags, effectiveRules, type ModuleFlags, type PermissionRule } from '../../../shared/rbac';

const exportId = '0192f0c4-6a1e-7c3b-9d2a-1f2e3d4c5b6a';
const start = (module: string, filter?: unknown) => ({ exportId, module, format: 'csv', ...(filter === undefined ? {} : { filter }) });

describe('the exports.start request', () => {
  it.each(exportModules)('%s: a request without a filter exports everything (the filter defaults to none)', (module) => {
    expect(calls['exports.start'].request.parse(start(module))).toEqual({ exportId, module, format: 'csv', filter: {}, bom: false });
  });

  // One filter per module that its own schema refuses: a value outside the vocabulary, a date
  // that is not one, a member of another module's filter, a member of the wrong type.
  const badFilters: [ExportModule, Record<string, unknown>, string][] = [
    ['shift-logs', { severities: ['apocalyptic'] }, 'filter.severities.0'],
    ['shift-logs', { shiftDateFrom: '1.11.2026' }, 'filter.shiftDateFrom'],
    ['shift-logs', { actorIds: ['u-1'] }, 'filter'],
    ['audit', { from: 'yesterday' }, 'filter.from'],
    ['audit', { severities: ['high'] }, 'filter'],
    ['users', { statuses: ['asleep'] }, 'filter.statuses.0'],
    ['users', { text: 42 }, 'filter.text'],
    ['sessions', { active: 'yes' }, 'filter.active'],
    ['sessions', { statuses: ['active'] }, 'filter'],
  ];

  it.each(badFilters)('%s: the filter %j is refused as invalid_request naming %s, and the core is never called', async (module, filter, path) => {
    const handler = vi.fn();
    const result = await dispatchCall('exports.start', start(module, filter), handler);
    expect(handler).not.toHaveBeenCalled();
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.error.code).toBe('invalid_request');
    const issues = (result.error.details as { issues: { path: string; message: string }[] }).issues;
    expect(issues.map((issue) => issue.path)).toContain(path);
  });

  it('refuses a module the contract does not name, with its issues', async () => {
    const handler = vi.fn();
    const result = await dispatchCall('exports.start', start('payroll'), handler);
    expect(handler).not.toHaveBeenCalled();
    expect(result).toEqual({ ok: false, error: expect.objectContaining({ code: 'invalid_request', details: { issues: [expect.objectContaining({ path: 'module' })] } }) });
  });

  it('does not echo the refused filter values back', async () => {
    const result = await dispatchCall('exports.start', start('users', { text: 'x'.repeat(201) + 'secret-needle' }), vi.fn());
    expect(result.ok).toBe(false);
    expect(JSON.stringify(result)).not.toContain('secret-needle');
  });

  it('hands the core the parsed filter of the module', async () => {
    const handler = vi.fn().mockResolvedValue(null);
    const filter = { severities: ['high', 'critical'], late: true, shiftDateFrom: '2026-03-01' };
    const result = await dispatchCall('exports.start', { ...start('shift-logs', filter), bom: true }, handler);
    expect(result).toEqual({ ok: true, value: null });
    expect(handler).toHaveBeenCalledWith('exports.start', { exportId, module: 'shift-logs', format: 'csv', filter, bom: true });
  });
});

describe('who may export what (one rule for the core and the renderer)', () => {
  const person = (rules: readonly PermissionRule[], moduleFlags: ModuleFlags): ExportAccess => ({ userId: 'u-1', tenantId: 't-1', areas: [], rules, moduleFlags });
  const preset = (role: 'viewer' | 'contributor' | 'admin', flags: Partial<ModuleFlags> = {}) => {
    const moduleFlags = { ...defaultModuleFlags(role), ...flags };
    return person(effectiveRules({ orgRole: role, moduleFlags, globalRole: 'none' }), moduleFlags);
  };
  const rule = (action: PermissionRule['action'], entity: PermissionRule['entity']): PermissionRule => ({ action, access: 'org', entity });
  const allFlags: ModuleFlags = { shift_logs: true, handovers: true, audit: true, users: true, exports: true };

  it('lets an admin export every module, in the order the app offers them', () => {
    expect(exportableModules(preset('admin'))).toEqual(['shift-logs', 'audit', 'users', 'sessions']);
  });

  it.each(['viewer', 'contributor'] as const)('lets a %s export nothing', (role) => {
    expect(exportableModules(preset(role, { exports: true }))).toEqual([]);
  });

  it('lets nobody export while the exports module is off, whatever the rules say', () => {
    expect(exportableModules(preset('admin', { exports: false }))).toEqual([]);
  });

  it('drops the modules whose records are switched off (their rules go with the flag)', () => {
    expect(exportableModules(preset('admin', { users: false }))).toEqual(['shift-logs', 'audit']);
  });

  it('needs read on the records as well as export: an export holds only rows its reader may read', () => {
    const exporter = person([rule('export', 'export'), rule('export', 'log_entry'), rule('read', 'log_entry'), rule('export', 'audit_event')], allFlags);
    expect(mayExport(exporter, 'shift-logs')).toBe(true);
    expect(mayExport(exporter, 'audit')).toBe(false);
  });

  it('needs export on exports, the permission of the exports.start call', () => {
    const exporter = person([rule('export', 'log_entry'), rule('read', 'log_entry')], allFlags);
    expect(mayExport(exporter, 'shift-logs')).toBe(false);
  });
});
