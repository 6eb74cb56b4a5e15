import { z } from 'zod';

/**
 * The wire format of a first sync's snapshot (SYNC.md "First sync: bootstrap, then pull"):
 *
 *   GET /v1/sync/bootstrap?tenant=<id>&schemaVersion=<n>[&snapshot=<id>&from=<frame no>]
 *
 * The answer (Content-Type BOOTSTRAP_MEDIA_TYPE) is a sequence of frames. A frame is one header
 * line of JSON ending in '\n', then exactly `bytes` bytes of payload. Every answer starts with
 * the `snapshot` frame; a resumed answer (`snapshot` + `from`) then continues at frame `from`.
 *
 * - `rows`: one chunk of one table, its payload a JSON array of rows, each an array of values
 *   in the order of that table's `columns` (named once in the snapshot frame), the same values
 *   a pull from seq 0 to the snapshot's seq would leave in the cache. `sha256` is of the payload
 *   bytes exactly as sent.
 *   `recent` marks rows a person will look at first (each area's newest days, and the tables
 *   that name things): a client may show them before the snapshot is complete.
 * - `table-end`: closes a table: its row count and the sha256 of its frames' digests in order
 *   (hex digests joined by '\n'); a table with no rows still gets one.
 * - `end`: the snapshot is complete; ordinary pull continues from `seq`.
 *
 * Frame numbers run 1, 2, 3... over the whole snapshot (the snapshot frame is 0 and carries no
 * number of its own), so a cut answer resumes from the first frame it did not finish.
 */
export const BOOTSTRAP_MEDIA_TYPE = 'application/x-plantdesk-bootstrap';
/** A header line longer than this is not a header: the stream is refused. */
export const MAX_FRAME_HEADER_BYTES = 16 * 1024;
/** A payload longer than this is refused before it is buffered. */
export const MAX_FRAME_PAYLOAD_BYTES = 32 * 1024 * 1024;

const Hex64 = z.string().regex(/^[0-9a-f]{64}$/);
const TableName = z.string().regex(/^[a-z_]{1,40}$/);
const ColumnName = z.string().regex(/^[a-z_]{1,60}$/);

export const BootstrapQuerySchema = z
  .object({
    tenant: z.string().min(1).max(64),
    schemaVersion: z.coerce.number().int().optional(),
    /** With `from`: resume this snapshot. */
    snapshot: z.string().regex(/^[A-Za-z0-9_-]{8,64}$/).optional(),
    from: z.coerce.number().int().positive().optional(),
  })
  .strict()
  .refine((q) => (q.snapshot === undefined) === (q.from === undefined), { message: 'snapshot and from go together' });
export type BootstrapQuery = z.infer<typeof BootstrapQuerySchema>;

export const SnapshotFrameSchema = z
  .object({
    kind: z.literal('snapshot'),
    snapshotId: z.string().regex(/^[A-Za-z0-9_-]{8,64}$/),
    /** The change-log seq the snapshot shows: pull continues after it. */
    seq: z.number().int().nonnegative(),
    policyVersion: z.union([z.number(), z.string()]),
    schemaVersion: z.number().int(),
    /** In the order they are sent, with the row count each will have (exact: one snapshot). */
    tables: z.array(z.object({ table: TableName, columns: z.array(ColumnName).min(1).max(100), rows: z.number().int().nonnegative() }).strict()).max(50),
    /** Present once the server knows it; progress only. */
    frames: z.number().int().positive().nullable(),
    bytes: z.literal(0),
  })
  .strict();

export const RowsFrameSchema = z
  .object({
    kind: z.literal('rows'),
    no: z.number().int().positive(),
    table: TableName,
    count: z.number().int().positive(),
    bytes: z.number().int().positive().max(MAX_FRAME_PAYLOAD_BYTES),
    sha256: Hex64,
    recent: z.boolean().optional(),
  })
  .strict();

export const TableEndFrameSchema = z
  .object({
    kind: z.literal('table-end'),
    no: z.number().int().positive(),
    table: TableName,
    count: z.number().int().nonnegative(),
    sha256: Hex64,
    bytes: z.literal(0),
  })
  .strict();

export const EndFrameSchema = z
  .object({
    kind: z.literal('end'),
    no: z.number().int().positive(),
    seq: z.number().int().nonnegative(),
    bytes: z.literal(0),
  })
  .strict();

export const FrameHeaderSchema = z.discriminatedUnion('kind', [SnapshotFrameSchema, RowsFrameSchema, TableEndFrameSchema, EndFrameSchema]);
export type SnapshotFrame = z.infer<typeof SnapshotFrameSchema>;
export type RowsFrame = z.infer<typeof RowsFrameSchema>;
export type TableEndFrame = z.infer<typeof TableEndFrameSchema>;
export type EndFrame = z.infer<typeof EndFrameSchema>;
export type FrameHeader = z.infer<typeof FrameHeaderSchema>;
