import { sql as initial } from './0001_initial';
import { sql as workstationSession } from './0002_workstation_session';
import { sql as lateEntryIndexes } from './0003_late_entry_indexes';
import { sql as shiftLogCoverIndex } from './0004_shift_log_cover_index';
import { sql as ftsAutomerge } from './0005_fts_automerge';
import { sql as entryByShiftLogTime } from './0006_entry_by_shift_log_time';
import { sql as ftsAutomergeDefault } from './0007_fts_automerge_default';
import { sql as signoffClaimedTime } from './0008_signoff_claimed_time';
import { sql as clockHighWater } from './0009_clock_high_water';
import { sql as entrySortIndexes } from './0010_entry_sort_indexes';
import { sql as sessionByDevice } from './0011_session_by_device';
import { sql as entryIndexesByRow } from './0012_entry_indexes_by_row';

export interface Migration {
  /** 1, 2, 3...: PRAGMA user_version after it has run. */
  version: number;
  name: string;
  sql: string;
}

/**
 * Append-only: a released migration is never edited (the runner refuses a database whose
 * recorded checksums differ), a change is a new numbered file.
 */
export const migrations: readonly Migration[] = [
  { version: 1, name: '0001_initial', sql: initial },
  { version: 2, name: '0002_workstation_session', sql: workstationSession },
  { version: 3, name: '0003_late_entry_indexes', sql: lateEntryIndexes },
  { version: 4, name: '0004_shift_log_cover_index', sql: shiftLogCoverIndex },
  { version: 5, name: '0005_fts_automerge', sql: ftsAutomerge },
  { version: 6, name: '0006_entry_by_shift_log_time', sql: entryByShiftLogTime },
  { version: 7, name: '0007_fts_automerge_default', sql: ftsAutomergeDefault },
  { version: 8, name: '0008_signoff_claimed_time', sql: signoffClaimedTime },
  { version: 9, name: '0009_clock_high_water', sql: clockHighWater },
  { version: 10, name: '0010_entry_sort_indexes', sql: entrySortIndexes },
  { version: 11, name: '0011_session_by_device', sql: sessionByDevice },
  { version: 12, name: '0012_entry_indexes_by_row', sql: entryIndexesByRow },
];
