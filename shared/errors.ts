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
  // The workstation vault (issue 4).
  wrong_password: 'That password does not open the local copy on this workstation. Check it and try again; if you changed it recently, use the previous one or sign in online.',
  keychain_unavailable:
    "The system keychain is locked or not running, so Plantdesk cannot reach this workstation's keys (it never stores them anywhere else). Unlock or start your keychain, then try again.",
  device_secret_missing:
    "This workstation's key for the tenant is missing from the system keychain, so its local copy cannot be opened. Sign in online to rebuild it; changes not yet synced from that copy cannot be recovered.",
  vault_not_found: 'There is no local copy of this tenant on this workstation. Sign in online to create one.',
  locked: 'Plantdesk is locked. Enter your password to unlock it.',
  store_corrupt:
    "The local copy of this tenant is damaged and cannot be read. Remove this workstation's data for the tenant and sign in online to download it again.",
  grant_expired: 'You have worked offline longer than your organisation allows. Connect to the network and sign in online to continue.',
  grant_invalid: 'The offline permit from the server failed its signature check and was refused. Sign in online; if it repeats, tell your administrator.',
  server_key_changed:
    "The server's signing key is not the one this workstation trusted at first sign-in, so Plantdesk refused to continue. Contact your administrator before signing in again.",
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
