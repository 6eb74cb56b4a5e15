import { PlantdeskError } from '../../../shared/errors';

/** Why the keychain could not be used; shown to support, never needed by the person. */
export type KeychainFailure = 'timeout' | 'locked' | 'unreachable' | 'platform' | 'helper_failed';

export interface KeychainUnavailableDetails {
  reason: KeychainFailure;
  /** The platform's own words (D-Bus, Security framework...); contains no secret. */
  detail?: string;
}

/** The OS keychain is locked, missing or not answering. There is never a plaintext fallback. */
export class KeychainUnavailable extends PlantdeskError {
  declare readonly details: KeychainUnavailableDetails;

  constructor(details: KeychainUnavailableDetails) {
    super('keychain_unavailable', undefined, details);
    this.name = 'KeychainUnavailable';
  }
}
