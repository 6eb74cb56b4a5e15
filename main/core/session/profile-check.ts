import { ServerPins } from '../auth/server-pins';
import { AccountsFile, readDeviceId, readWipeLog } from './profile-files';
import { profileNotices, type ProfileNotices } from '../profile/profile-notices';

/**
 * Reads every small file of the profile through its schema once, before the session starts, so
 * a damaged one is set aside and reported at start rather than met half-way through a sign-in.
 * The encrypted caches (vaults/) are not read here.
 */
export function checkProfileFiles(profileDir: string): ProfileNotices {
  new AccountsFile(profileDir).list();
  readDeviceId(profileDir);
  new ServerPins(profileDir).checkAll();
  readWipeLog(profileDir);
  return profileNotices(profileDir);
}
