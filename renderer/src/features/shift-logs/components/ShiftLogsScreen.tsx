/** Placeholder until the Shift logs screen lands (issue 7). */
export function ShiftLogsScreen() {
  return <section aria-labelledby="screen-title"><h1 id="screen-title">Shift logs</h1></section>;
}
