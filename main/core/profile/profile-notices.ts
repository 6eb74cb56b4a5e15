import path from 'node:path';
import type { ProfileNotice } from '../../../shared/contract';

/**
 * The notices of one profile since this process opened it. Kept per profile folder rather than
 * passed through every reader: the readers (accounts list, device file, server pins, wipe log)
 * are built deep inside the session, and the profile lock guarantees one core per profile per
 * process, so the profile names the one core that reports them.
 */
export class ProfileNotices {
  private readonly items: ProfileNotice[] = [];

  add(notice: ProfileNotice): void {
    this.items.push(notice);
  }

  list(): ProfileNotice[] {
    return [...this.items];
  }
}

const byProfile = new Map<string, ProfileNotices>();

export function profileNotices(profileDir: string): ProfileNotices {
  const key = path.resolve(profileDir);
  let notices = byProfile.get(key);
  if (!notices) {
    notices = new ProfileNotices();
    byProfile.set(key, notices);
  }
  return notices;
}

/** Called when the core that owned the profile closes: the next one starts with its own findings. */
export function forgetProfileNotices(profileDir: string): void {
  byProfile.delete(path.resolve(profileDir));
}
