import type { PlantdeskApi } from '../../../shared/contract';

/** What a stubbed call answers: a Result envelope, or a function of the request returning one. */
export type StubAnswer = unknown | ((request: Record<string, unknown>) => unknown);
/** The requests each channel received, in order. */
export type ChannelCalls = Record<string, Record<string, unknown>[]>;

/**
 * Component tests give the renderer a window.plantdesk whose answers the test controls (the real
 * core behind the real transport is the e2e suite's job): one method per `domain.method` channel
 * named in `answers`, each recording its request before answering.
 */
export function installPlantdeskStub(answers: Record<string, StubAnswer>): ChannelCalls {
  const calls: ChannelCalls = {};
  const api: Record<string, unknown> = { onEvent: () => () => {} };
  for (const [channel, answer] of Object.entries(answers)) {
    const [domain, method] = channel.split('.');
    const methods = (api[domain] ??= {}) as Record<string, unknown>;
    methods[method] = async (request: Record<string, unknown>) => {
      (calls[channel] ??= []).push(request);
      return typeof answer === 'function' ? (answer as (r: Record<string, unknown>) => unknown)(request) : answer;
    };
  }
  Object.defineProperty(window, 'plantdesk', { value: api as unknown as PlantdeskApi, configurable: true });
  return calls;
}
