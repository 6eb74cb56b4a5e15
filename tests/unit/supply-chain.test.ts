import { describe, expect, it } from 'vitest';
// @ts-expect-error: a plain .mjs build script without type declarations
import { auditVerdict } from '../../scripts/audit-verdict.mjs';

const report = (vulnerabilities: Record<string, { name: string; severity: string }>) =>
  JSON.stringify({ vulnerabilities, metadata: { vulnerabilities: {} } });

describe('the npm audit gate', () => {
  it('fails on a high advisory in a runtime dependency', () => {
    expect(auditVerdict(report({ fastify: { name: 'fastify', severity: 'high' } }))).toMatchObject({ status: 'fail' });
  });

  it('fails on a critical advisory', () => {
    expect(auditVerdict(report({ pg: { name: 'pg', severity: 'critical' } })).reason).toContain('pg (critical)');
  });

  it('passes with only low and moderate advisories', () => {
    expect(auditVerdict(report({ a: { name: 'a', severity: 'moderate' }, b: { name: 'b', severity: 'low' } }))).toMatchObject({ status: 'pass' });
  });

  it('reports an unreachable advisory database as not performed, never as a pass', () => {
    const refused = JSON.stringify({ message: '405 Method Not Allowed - POST https://registry.example/-/npm/v1/security/advisories/bulk', statusCode: 405 });
    expect(auditVerdict(refused)).toMatchObject({ status: 'unavailable' });
    expect(auditVerdict('')).toMatchObject({ status: 'unavailable' });
  });
});
