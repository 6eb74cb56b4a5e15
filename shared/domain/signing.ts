import { z } from 'zod';
import { signoffMeanings } from './plant';

/**
 * POST /v1/tenants/:tenantId/shift-logs/:shiftLogId/signing-tickets: the signer re-enters the
 * password online; the server checks it and that the content hash is the one it computes from
 * its own rows, and answers a ticket the sign-off mutation carries (shared/mutations.ts).
 */
export const SigningTicketRequestSchema = z
  .object({
    meaning: z.enum(signoffMeanings),
    contentHash: z.string().regex(/^[0-9a-f]{64}$/),
    password: z.string().min(1).max(1024),
  })
  .strict();
export type SigningTicketRequest = z.infer<typeof SigningTicketRequestSchema>;

export const SigningTicketResponseSchema = z.object({ ticket: z.string(), expiresAt: z.string() }).strict();
export type SigningTicketResponse = z.infer<typeof SigningTicketResponseSchema>;
