#!/usr/bin/env node
// Supply-chain gate of .ci/run: `npm audit --omit=dev --audit-level=high`, decided by
// audit-verdict.mjs. An unreachable advisory database is reported loudly; it fails the run
// only with PLANTDESK_REQUIRE_AUDIT=1 (set it where the registry serves advisories).
import { spawnSync } from 'node:child_process';
import { auditVerdict } from './audit-verdict.mjs';

const audit = spawnSync('npm', ['audit', '--omit=dev', '--audit-level=high', '--json'], { encoding: 'utf8' });
const verdict = auditVerdict(audit.stdout);
if (verdict.status === 'pass') {
  console.log(`npm audit: ${verdict.reason}`);
} else if (verdict.status === 'fail') {
  console.error(`npm audit FAILED: ${verdict.reason}`);
  process.exit(1);
} else {
  console.error(`npm audit NOT PERFORMED: ${verdict.reason}`);
  if (process.env.PLANTDESK_REQUIRE_AUDIT === '1') process.exit(1);
}
