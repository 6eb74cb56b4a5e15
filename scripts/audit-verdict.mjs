// Reads `npm audit --json` output and decides: fail on a high or critical advisory in a runtime
// dependency; say plainly when the advisory database could not be reached (some registries,
// like this build network's, refuse the bulk advisory endpoint), never pretend it passed.
const blocking = new Set(['high', 'critical']);

export function auditVerdict(reportText) {
  let report;
  try {
    report = JSON.parse(reportText);
  } catch {
    return { status: 'unavailable', reason: 'npm audit printed no JSON report' };
  }
  if (report.error || report.statusCode || report.message) {
    const detail = report.error?.summary || report.message || `status ${report.statusCode}`;
    return { status: 'unavailable', reason: `the advisory database could not be queried: ${detail}` };
  }
  const findings = Object.values(report.vulnerabilities ?? {})
    .filter((entry) => blocking.has(entry.severity))
    .map((entry) => `${entry.name} (${entry.severity})`);
  if (findings.length > 0) return { status: 'fail', reason: `high or critical advisories: ${findings.join(', ')}` };
  const counts = report.metadata?.vulnerabilities ?? {};
  return { status: 'pass', reason: `no high or critical advisories (${JSON.stringify(counts)})` };
}
