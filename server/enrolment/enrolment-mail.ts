import nodemailer from 'nodemailer';

/**
 * Where SMTP is configured (PLANTDESK_SMTP_URL), an enrolment link also goes to the person by
 * email: plain text with the link, who created it and when it expires. The link is a
 * credential until used, so nothing here ever logs it or the message.
 */
export interface EnrolmentMail {
  to: string;
  displayName: string;
  tenantName: string;
  createdBy: string;
  link: string;
  expiresAt: Date;
}

export interface EnrolmentMailer {
  send(mail: EnrolmentMail): Promise<void>;
  close(): void;
}

export const DEFAULT_SMTP_FROM = 'Plantdesk <plantdesk@localhost>';

export function isSmtpUrl(value: string): boolean {
  try {
    return ['smtp:', 'smtps:'].includes(new URL(value).protocol);
  } catch {
    return false;
  }
}

export function enrolmentMailText(mail: EnrolmentMail): string {
  return [
    `Hello ${mail.displayName},`,
    '',
    `${mail.createdBy} has set up Plantdesk for you at ${mail.tenantName}.`,
    'Open this link to choose your password and set up your authenticator app:',
    '',
    mail.link,
    '',
    `The link works once and expires on ${mail.expiresAt.toISOString().replace('T', ' ').slice(0, 16)} UTC. A newer link replaces it.`,
    'If you did not expect this message, do not open the link and tell your administrator.',
    '',
  ].join('\n');
}

export function createEnrolmentMailer(options: { url: string; from?: string }): EnrolmentMailer {
  // Short timeouts: the admin's request waits for the hand-over to the mail server.
  const transport = nodemailer.createTransport({ url: options.url, connectionTimeout: 10_000, greetingTimeout: 10_000, socketTimeout: 20_000, logger: false });
  return {
    async send(mail) {
      await transport.sendMail({
        from: options.from ?? DEFAULT_SMTP_FROM,
        to: mail.to,
        subject: `Your Plantdesk sign-in for ${mail.tenantName}`,
        text: enrolmentMailText(mail),
      });
    },
    close() {
      transport.close();
    },
  };
}
