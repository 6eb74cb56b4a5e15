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
  // HTTP and server-side answers (reference backend).
  malformed_json: 'The request body is not valid JSON; nothing was changed. Fix the body and send it again.',
  payload_too_large: 'The request is larger than the server accepts; nothing was changed. Send less at once.',
  unsupported_media_type: 'The server only accepts JSON (Content-Type: application/json).',
  not_found: 'Nothing was found there. Check the address or identifier, or ask a tenant admin whether you have access.',
  rate_limited: 'Too many requests in a short time. Wait the number of seconds given in retryAfter, then try again.',
  unauthenticated: 'You are not signed in, or your sign-in was not recognised. Sign in again.',
  invalid_credentials: 'The email or password is not right. Check both and try again; repeated failures lock the account.',
  throttled: 'Too many failed sign-ins. Wait the number of seconds given in retryAfter before trying again.',
  challenge_expired: 'This sign-in step has expired or was already used. Start again with your email and password.',
  invalid_code: 'That authenticator code is not right or was already used. Wait for the next code and try again.',
  session_revoked: 'Your session was ended by an administrator or by signing out. Sign in again.',
  session_expired: 'Your session timed out. Sign in again to continue.',
  user_inactive: 'This account is deactivated. Ask a tenant admin if you need access again.',
  no_membership: 'This account has no access to that organisation. Ask its admin to add you.',
  weak_password: 'That password is not accepted: use 12 to 128 characters and avoid common or leaked passwords.',
  email_taken: 'An account with this email already exists. Use another address, or ask the platform operator to add the existing account.',
  not_home_tenant: 'This account belongs to another organisation; only its own admins can change its status or erase it.',
  last_admin: 'This would leave the organisation without an active admin. Make someone else admin first.',
  reason_required: 'This access must be justified: send a reason (X-Plantdesk-Reason header or reason field); it is recorded in the audit trail.',
  privilege_ceiling:
    'This would give rights you do not hold yourself (listed in details.beyond); nothing was changed. Ask someone who holds them to make this change.',
  self_change:
    'Nobody can change their own role, areas, module flags or sign-in, nor the rights of a role they hold; nothing was changed. Ask another admin.',
  shared_identity:
    "This person also belongs to another organisation, so their password and authenticator cannot be reset from here: it would reach into that organisation too. Nothing was changed. They can change their password themselves when signed in; otherwise ask platform support, who reset it with a stated reason recorded in every organisation's audit trail.",
  enrolment_invalid:
    'This enrolment link is not valid: it may have expired, been used already, or been replaced by a newer one. Ask your admin for a new link.',
  conflict: 'The record changed since you loaded it. Reload it and apply your change again.',
  content_changed:
    'This shift log changed since the copy you reviewed (someone added or amended entries), so it cannot be signed as shown. Sync, review what changed, and sign again.',
  enrolment_link_malformed:
    'That is not a Plantdesk enrolment link. Paste the whole link your administrator gave you; it looks like https://plant.example/enrol#… and works once.',
  wipe_not_confirmed: "Nothing was removed: removing this workstation's data needs your password, or the confirmation it asks for.",
  password_required: 'Signing again needs your password, entered at the moment of signing. Review the shift log and enter your password to sign it.',
  not_ready: 'The server is starting or cannot reach its database. Try again in a moment.',
  // Single sign-on (OpenID Connect).
  sso_required: 'Your organisation signs in with single sign-on. Choose "Sign in with single sign-on" and use your company account instead of a password.',
  sso_not_configured: 'Single sign-on is not set up for this organisation. Sign in with your email and password, or ask your admin to set it up.',
  sso_token_invalid:
    "The identity provider's answer could not be verified (signature, issuer, audience, expiry or nonce; details.reason says which), so nobody was signed in. Start the sign-in again; if it repeats, tell your admin.",
  sso_replayed: 'This single sign-on answer was already used. Start the sign-in again from the beginning.',
  sso_email_not_allowed:
    'Your company account has no verified email address in a domain this organisation accepts, so nobody was signed in. Ask your admin which account to use.',
  sso_no_account:
    'Your company account is not a member of this organisation in Plantdesk, and it does not add members by itself. Ask your admin to add you.',
  sso_identity_mismatch:
    'This email address in Plantdesk is already linked to a different company account, so nobody was signed in. Ask your admin to check the account.',
  sso_provider_unreachable: "The organisation's identity provider cannot be reached or answered in a way Plantdesk does not accept. Try again later, or tell your admin.",
  sso_device_expired: 'This device sign-in has expired, was refused in the browser, or was already completed. Start a new one.',
  sso_cancelled: 'The single sign-on was cancelled; nobody was signed in. Start it again when you are ready.',
  sso_timed_out: 'The browser did not come back to Plantdesk within 5 minutes, so the single sign-on was stopped. Start it again.',
  sso_refused: 'The identity provider did not sign you in (refused or cancelled in the browser). Start the sign-in again, or ask your admin.',
  sso_choose_organisation: 'Your email address signs in to several organisations with single sign-on. Choose the organisation, then start again.',
  not_sso_account: 'This account signs in with a password, not with single sign-on, so it has no local passphrase. Change your password instead.',
  // Refused by the HTTP layer before any route ran.
  malformed_http: 'The request is not well-formed HTTP and was refused; nothing was changed. Check the program or proxy that sent it.',
  headers_too_large: 'The request headers (or its address) are larger than the server accepts; nothing was changed. Send fewer or shorter headers.',
  request_timeout: 'The request took too long to arrive and was dropped; nothing was changed. Check the connection and send it again.',
  expectation_failed: "The server cannot meet the request's Expect header; nothing was changed. Send the request without it.",
  http_version_not_supported: 'The server speaks HTTP/1.1 only; nothing was changed. Send the request over HTTP/1.1.',
  needs_connection: 'This needs a connection to the Plantdesk server. Reconnect and try again.',
  // The workstation vault.
  wrong_password: 'That password does not open the local copy on this workstation. Check it and try again; if you changed it recently, use the previous one or sign in online.',
  wrong_passphrase:
    "That passphrase does not open the local copy on this workstation. Check it and try again. If you have forgotten it, remove this workstation's data for this account, then sign in with single sign-on again and choose a new passphrase: the data is downloaded again, and changes not yet sent to the server are lost.",
  keychain_unavailable:
    "The system keychain is locked or not running, so Plantdesk cannot reach this workstation's keys (it never stores them anywhere else). Unlock or start your keychain, then try again.",
  device_secret_missing:
    "This workstation's key for the tenant is missing from the system keychain, so its local copy cannot be opened. Sign in online to rebuild it; changes not yet synced from that copy cannot be recovered.",
  previous_password_needed:
    "Your password was changed on the server, but the local copy on this workstation is still locked with your previous password. Sign in again with the new password and enter the previous one once: the local copy is moved over to the new password and pending changes are kept. If you do not know the previous password, remove this workstation's data for this tenant and sign in again to download it anew; changes not yet sent to the server are then lost.",
  vault_not_found: 'There is no local copy of this tenant on this workstation. Sign in online to create one.',
  locked: 'Plantdesk is locked. Enter your password to unlock it.',
  store_corrupt:
    "The local copy of this tenant is damaged and cannot be read. Remove this workstation's data for the tenant and sign in online to download it again.",
  store_too_new: 'The local copy was written by a newer version of Plantdesk. Update Plantdesk on this workstation, then try again.',
  clock_skew: "This workstation's clock is too far from the server's. Set the date and time right (or turn on automatic time), then try again.",
  clock_rolled_back:
    "This workstation's clock is behind a time its local copy has already seen, so it will not open offline. Set the date and time right, or sign in online.",
  grant_expired: 'You have worked offline longer than your organisation allows. Connect to the network and sign in online to continue.',
  grant_invalid: 'The offline permit from the server failed its signature check and was refused. Sign in online; if it repeats, tell your administrator.',
  server_key_changed:
    "The server's signing key is not the one this workstation trusted at first sign-in, so Plantdesk refused to continue. Contact your administrator before signing in again.",
  server_key_set_aside:
    "The record of this server's signing key on this workstation was damaged and was set aside, so the local copy cannot be opened offline. Sign in online: Plantdesk will then trust the key the server presents and tell you so. Nothing in the local copy was lost.",
  profile_in_use:
    'Another Plantdesk process (the app or the command line) is already using this profile. Close it, or wait for it to finish, then try again; nothing was changed.',
  // Talking to the server from the workstation.
  server_unreachable: 'The Plantdesk server cannot be reached. Check the network; you can keep working offline until your offline permit runs out.',
  insecure_server_url: 'Plantdesk only connects to servers over https (plain http is allowed for 127.0.0.1 and localhost only). Check the server address.',
  invalid_server_response: 'The server sent an answer Plantdesk does not understand; nothing was changed. Try again, and tell your administrator if it repeats.',
  // Bulk export to local files.
  export_cancelled: 'The export was cancelled. No file was written and any earlier file at that path is unchanged.',
  export_disk_full: 'The disk ran out of space during the export. No file was written and any earlier file at that path is unchanged. Free some space or choose another drive, then export again.',
  export_permission_denied:
    'Plantdesk may not write to that folder or replace that file. No file was written. Choose a folder you can write to, or close the file if another program (such as Excel) has it open, then export again.',
  export_target_invalid:
    'The export cannot be saved there: the path is a folder, or the folder does not exist (it may have been removed or disconnected during the export). No file was written. Choose another file name or folder.',
  export_failed: 'The export stopped before it finished. No file was written and any earlier file at that path is unchanged. Try again, and report it if it repeats.',
  // Sync.
  bootstrap_gone: 'The snapshot this first sync was downloading is no longer kept by the server (it expired or the data it showed changed); the download starts again from the beginning, and nothing already in use is lost.',
  reset: 'The local copy must be rebuilt from the server (the sync format changed or the copy is out of date). Pending changes are kept and sent again afterwards.',
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
