/** Placeholder until the People and access screen lands (issue 7). */
export function PeopleScreen() {
  return <section aria-labelledby="screen-title"><h1 id="screen-title">People and access</h1></section>;
}
