import type { z } from 'zod';
import { PlantdeskError } from '../../../shared/errors';
import { secretPurposes } from '../secrets/secret-store';
import type { SessionManager } from './session-manager';
import type { RequestOptions, ServerClient } from '../net/server-client';

/**
 * One call to the server under the open session's token, for actions that are online-only
 * (admin changes, signing tickets). Unreachable: the session is marked offline and the caller
 * gets `needs_connection`; a server verdict (revoked session, deactivated user) is applied
 * like anywhere else, then rethrown.
 */
export async function onlineRequest<S extends z.ZodType>(
  session: SessionManager,
  clientFor: (baseUrl: string) => ServerClient,
  options: Omit<RequestOptions<S>, 'token'>,
): Promise<z.output<S>> {
  const open = session.requireOpen();
  const token = await open.secrets.get(secretPurposes.sessionToken);
  if (!token) throw new PlantdeskError('session_expired');
  const client = clientFor(open.account.server);
  try {
    const answer = await client.request({ ...options, token: token.toString('utf8') });
    session.setOnline(true);
    return answer;
  } catch (error) {
    if (error instanceof PlantdeskError && error.code === 'server_unreachable') {
      session.setOnline(false);
      throw new PlantdeskError('needs_connection');
    }
    await session.applyVerdict(error);
    throw error;
  } finally {
    client.close();
  }
}
