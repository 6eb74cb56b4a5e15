import { useSiteTime } from '../../../workstation/site-time';
import { useUsersT } from '../messages';

/**
 * When the person last signed in, from the sessions the cache holds (the sync feed carries each
 * sign-in the reader may see), so it reads the same offline.
 */
export function LastSignIn(props: { at: string | null }) {
  const t = useUsersT();
  const time = useSiteTime();
  return props.at ? <time dateTime={props.at}>{time.format(props.at)}</time> : <span className="hint">{t('lastSignInNever')}</span>;
}
