import { checkProfileFiles } from './profile-check';
import { acquireProfileLock, type ProfileUser } from '../profile/profile-lock';
import { forgetProfileNotices, type ProfileNotices } from '../profile/profile-notices';

export interface OpenProfile {
  /** What was set aside or trusted anew while this core has the profile. */
  notices: ProfileNotices;
  /** Releases the profile for the next process; called by core.close(). */
  close(): void;
}

/**
 * Takes the profile for this core: the lock first (a second process is refused with
 * profile_in_use before it reads or writes anything), then every small file checked, damaged
 * ones set aside and reported, so the start goes on.
 */
export function openProfile(profileDir: string, user: ProfileUser): OpenProfile {
  const lock = acquireProfileLock(profileDir, user);
  forgetProfileNotices(profileDir);
  try {
    const notices = checkProfileFiles(profileDir);
    return {
      notices,
      close() {
        forgetProfileNotices(profileDir);
        lock.release();
      },
    };
  } catch (error) {
    lock.release();
    throw error;
  }
}
