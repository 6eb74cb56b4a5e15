import { useQuery } from '@tanstack/react-query';
import type { ProfileNotice } from '../../../../../shared/contract';
import { profileNoticesQuery } from '../api/queries';
import { useAuthT } from '../messages';

/**
 * What the engine set aside at start (damaged profile files, kept for support) or trusted anew
 * at a sign-in: shown above the sign-in and unlock forms, in the person's language.
 */
export function ProfileNotices() {
  const authT = useAuthT();
  const notices = useQuery(profileNoticesQuery());
  if (!notices.data || notices.data.length === 0) return null;
  const sentence = (notice: ProfileNotice) =>
    authT(`notice.${notice.code}`, { keptAs: notice.keptAs ?? '', server: notice.server ?? '', keyId: notice.keyId ?? '', fingerprint: notice.keyFingerprint ?? '' });
  return (
    <div className="auth-notice" role="status" data-testid="profile-notices">
      <p>
        <strong>{authT('notice.title')}</strong>
      </p>
      {notices.data.map((notice) => (
        <p key={`${notice.code}|${notice.at}|${notice.keptAs ?? notice.server ?? ''}`}>{sentence(notice)}</p>
      ))}
    </div>
  );
}
