import { calls, isChannel, type Channel } from './contract';
import { PlantdeskError, toErrorBody, type Result } from './errors';

export type CallHandler = (channel: Channel, request: unknown) => Promise<unknown>;

/** Summarises zod issues without echoing the values that were sent (they may be secrets). */
function describeIssues(issues: readonly { path: PropertyKey[]; message: string }[]) {
  return issues.slice(0, 10).map((issue) => ({ path: issue.path.map(String).join('.'), message: issue.message }));
}

/**
 * The one gate every transport uses: unknown channel -> refused; request parsed with the
 * contract's schema (the handler never sees an unparsed payload); the answer checked against
 * the response schema before it leaves. Errors come back as data.
 */
export async function dispatchCall(channel: unknown, payload: unknown, handle: CallHandler): Promise<Result<unknown>> {
  if (!isChannel(channel)) {
    return { ok: false, error: new PlantdeskError('unknown_channel').toBody() };
  }
  const spec = calls[channel];
  const parsedRequest = spec.request.safeParse(payload);
  if (!parsedRequest.success) {
    return {
      ok: false,
      error: new PlantdeskError('invalid_request', undefined, { issues: describeIssues(parsedRequest.error.issues) }).toBody(),
    };
  }
  let value: unknown;
  try {
    value = await handle(channel, parsedRequest.data);
  } catch (error) {
    return { ok: false, error: toErrorBody(error) };
  }
  const parsedResponse = spec.response.safeParse(value);
  if (!parsedResponse.success) {
    return { ok: false, error: new PlantdeskError('invalid_response').toBody() };
  }
  return { ok: true, value: parsedResponse.data };
}
