import { PlantdeskError } from '../../../shared/errors';

export interface StoreCorruptDetails {
  reason: 'not_a_database' | 'key_rejected' | 'migration_changed' | 'schema_newer' | 'unreadable';
  detail?: string;
}

/** The cache file cannot be read as the database it should be. */
export class StoreCorrupt extends PlantdeskError {
  declare readonly details: StoreCorruptDetails;

  constructor(details: StoreCorruptDetails) {
    super(details.reason === 'schema_newer' ? 'store_too_new' : 'store_corrupt', undefined, details);
    this.name = 'StoreCorrupt';
  }
}
