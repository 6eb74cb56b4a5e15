import { EnrolmentTokenSchema } from './auth';

/**
 * `https://plant.example/enrol#<token>` (shared/domain/auth.ts has the enrolment API): the
 * server's address, with any path prefix, and the token, which sits in the fragment so it never
 * reaches a proxy's or server's access log. Null when the text is not such a link.
 */
export function parseEnrolmentLink(link: string): { server: string; token: string } | null {
  let url: URL;
  try {
    url = new URL(link.trim());
  } catch {
    return null;
  }
  const token = url.hash.replace(/^#/, '');
  if (!/\/enrol\/?$/.test(url.pathname) || !EnrolmentTokenSchema.safeParse(token).success) return null;
  const prefix = url.pathname.replace(/\/enrol\/?$/, '');
  return { server: `${url.origin}${prefix}`, token };
}
