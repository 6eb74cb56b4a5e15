/**
 * Row sources for exportToFile besides a plain iterable (better-sqlite3's `stmt.iterate()`).
 */

/** A page of a keyset-paged query, as the store's list queries answer (API.md). */
export interface RowPage<Row> {
  items: Row[];
  next: string | null;
}

/**
 * The rows of a paged query, one page at a time: `fetchPage(null)`, then `fetchPage(next)`
 * until `next` is null. Unlike iterate(), it holds no statement open between pages, so the
 * database connection stays usable while the file is written.
 */
export async function* pagedRows<Row>(fetchPage: (after: string | null) => RowPage<Row> | Promise<RowPage<Row>>): AsyncGenerator<Row, void, undefined> {
  let after: string | null = null;
  do {
    const page: RowPage<Row> = await fetchPage(after);
    yield* page.items;
    after = page.next;
  } while (after !== null);
}

/**
 * The same over a synchronous fetch (the store's queries are): the engine reads it without an
 * await per row. A page is fetched when the previous one is used up, inside the engine's loop,
 * and nothing is held open between pages.
 */
export function* pagedRowsSync<Row>(fetchPage: (after: string | null) => RowPage<Row>): Generator<Row, void, undefined> {
  let after: string | null = null;
  do {
    const page: RowPage<Row> = fetchPage(after);
    yield* page.items;
    after = page.next;
  } while (after !== null);
}
