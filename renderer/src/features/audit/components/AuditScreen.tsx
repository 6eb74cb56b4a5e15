/** Placeholder until the Audit trail screen lands (issue 7). */
export function AuditScreen() {
  return <section aria-labelledby="screen-title"><h1 id="screen-title">Audit trail</h1></section>;
}
