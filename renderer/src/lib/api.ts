import type { CallRequest, CallResponse, Channel, EventName, EventPayload, PlantdeskApi } from '../../../shared/contract';
import { PlantdeskError, type Result } from '../../../shared/errors';

declare global {
  interface Window {
    plantdesk?: PlantdeskApi;
  }
}

function bridge(): PlantdeskApi {
  if (!window.plantdesk) throw new PlantdeskError('core_unavailable');
  return window.plantdesk;
}

/** Calls the core through window.plantdesk and turns an error result into a thrown PlantdeskError. */
export async function invoke<C extends Channel>(channel: C, request: CallRequest<C>): Promise<CallResponse<C>> {
  const dot = channel.indexOf('.');
  const domain = bridge()[channel.slice(0, dot) as keyof PlantdeskApi] as unknown as Record<
    string,
    (request: unknown) => Promise<Result<CallResponse<C>>>
  >;
  const result = await domain[channel.slice(dot + 1)](request);
  if (!result.ok) throw PlantdeskError.fromBody(result.error);
  return result.value;
}

export function subscribe<E extends EventName>(name: E, listener: (payload: EventPayload<E>) => void): () => void {
  return bridge().onEvent(name, listener);
}
