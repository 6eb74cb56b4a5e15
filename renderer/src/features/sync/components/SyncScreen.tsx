/** Placeholder until the Sync and conflicts screen lands (issue 7). */
export function SyncScreen() {
  return <section aria-labelledby="screen-title"><h1 id="screen-title">Sync and conflicts</h1></section>;
}
