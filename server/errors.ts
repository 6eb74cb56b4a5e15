import { errorMessages, PlantdeskError, type ErrorCode } from '../shared/errors';

/**
 * The typed error every part of the server throws (API.md: `{ error: { code, message,
 * details? } }`); `message` defaults to the shared sentence for the code. The HTTP layer maps
 * the code to its status (http/errors.ts), so nothing below it knows about HTTP.
 */
export function apiError(code: ErrorCode, details?: unknown, message?: string): PlantdeskError {
  return new PlantdeskError(code, message ?? errorMessages[code], details);
}
