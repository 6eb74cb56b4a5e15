import { PlantdeskError } from '../../../shared/errors';

/** The password (with this workstation's device secret) does not unwrap the data key. */
export class WrongPassword extends PlantdeskError {
  constructor() {
    super('wrong_password');
    this.name = 'WrongPassword';
  }
}

/**
 * An account that signs in by single sign-on has its cache key wrapped under a local passphrase
 * (with the device secret): the same refusal as WrongPassword, worded for it, with the way out.
 */
export class WrongPassphrase extends PlantdeskError {
  constructor() {
    super('wrong_passphrase');
    this.name = 'WrongPassphrase';
  }
}

/** The keychain answered, but holds no device secret for this tenant: the cache cannot be opened. */
export class DeviceSecretMissing extends PlantdeskError {
  constructor(tenantId: string) {
    super('device_secret_missing', undefined, { tenantId });
    this.name = 'DeviceSecretMissing';
  }
}

/** No key file for this (server, user, tenant) in the profile. */
export class VaultNotFound extends PlantdeskError {
  constructor(tenantId: string) {
    super('vault_not_found', undefined, { tenantId });
    this.name = 'VaultNotFound';
  }
}

/** The vault was locked (idle, manual, grant expiry): the store is closed until unlocked again. */
export class VaultLocked extends PlantdeskError {
  constructor() {
    super('locked');
    this.name = 'VaultLocked';
  }
}

/** createVault over an existing vault: unlock it, or wipe it first. */
export class VaultExists extends PlantdeskError {
  constructor(tenantId: string) {
    super('internal', 'A local copy of this tenant already exists on this workstation; unlock it or remove it first.', { tenantId });
    this.name = 'VaultExists';
  }
}

/**
 * Online sign-in: the server accepted the password, but this workstation's key file is still
 * wrapped under the previous one (the password was changed or reset on the server). The
 * previous password re-wraps it; without it, the way on is a wipe and a fresh download.
 * `previousPasswordRejected` when a previous password was given and did not open it either.
 */
export class PreviousPasswordNeeded extends PlantdeskError {
  constructor(tenantId: string, previousPasswordRejected: boolean) {
    super(
      'previous_password_needed',
      previousPasswordRejected
        ? "The previous password you entered does not open the local copy on this workstation either. Try it again, or, if you do not know it, remove this workstation's data for this tenant and sign in again to download it anew; changes not yet sent to the server are then lost."
        : undefined,
      { tenantId, previousPasswordRejected },
    );
    this.name = 'PreviousPasswordNeeded';
  }
}
