/** Placeholder until the Exports screen lands (issue 7). */
export function ExportsScreen() {
  return <section aria-labelledby="screen-title"><h1 id="screen-title">Exports</h1></section>;
}
