import { z } from 'zod';

/**
 * Every error that crosses a boundary (IPC, HTTP, worker, CLI) is one of these codes with a
 * sentence a person can act on. Later capabilities add their codes here, in one place.
 */
export const errorMessages = {
  invalid_request: 'The request did not match what this call accepts.',
  invalid_response: 'The app produced an answer it cannot vouch for; nothing was changed. Please report this.',
  unknown_channel: 'That action does not exist in this version of Plantdesk.',
  untrusted_sender: 'The request did not come from the Plantdesk window and was refused.',
  forbidden: 'Your role does not allow this action. Ask a tenant admin if you need it.',
  core_unavailable: 'The Plantdesk engine is not running. Restart the app; your data is safe on disk.',
  internal: 'Something went wrong inside Plantdesk; nothing was changed. Try again, and report it if it repeats.',
} as const;

export type ErrorCode = keyof typeof errorMessages;

export const errorCodes = Object.keys(errorMessages) as [ErrorCode, ...ErrorCode[]];

export const ErrorBodySchema = z.object({
  code: z.string().min(1),
  message: z.string(),
  details: z.unknown().optional(),
});
export type ErrorBody = z.infer<typeof ErrorBodySchema>;

/** A failure with a stable code; safe to show its message to a person. */
export class PlantdeskError extends Error {
  readonly code: string;
  readonly details?: unknown;

  constructor(code: ErrorCode | (string & {}), message?: string, details?: unknown) {
    super(message ?? (errorMessages as Record<string, string>)[code] ?? errorMessages.internal);
    this.name = 'PlantdeskError';
    this.code = code;
    this.details = details;
  }

  toBody(): ErrorBody {
    return this.details === undefined
      ? { code: this.code, message: this.message }
      : { code: this.code, message: this.message, details: this.details };
  }

  static fromBody(body: ErrorBody): PlantdeskError {
    return new PlantdeskError(body.code, body.message, body.details);
  }
}

/** What a contract call resolves to across any transport: errors are data, not exceptions. */
export type Result<T> = { ok: true; value: T } | { ok: false; error: ErrorBody };

/** Turns anything thrown into a body that is safe to send: unknown errors never leak details. */
export function toErrorBody(error: unknown): ErrorBody {
  if (error instanceof PlantdeskError) return error.toBody();
  return { code: 'internal', message: errorMessages.internal };
}
