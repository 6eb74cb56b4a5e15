import type { AddressInfo } from 'node:net';
import { Writable } from 'node:stream';
import { SMTPServer } from 'smtp-server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { enrolmentToken, startTestServer, uniqueEmail, type TestServer, type TestTenant } from '../../support/server';

/**
 * Where SMTP is configured, the enrolment link also goes to the person by email (nodemailer),
 * here to a real SMTP server on 127.0.0.1 that the test runs. The admin's answer still holds
 * the link exactly once, and no log line ever holds it.
 */
interface Received {
  from: string;
  to: string[];
  /** The message as sent, with quoted-printable undone so lines read as written. */
  text: string;
}

async function startMailbox(): Promise<{ url: string; received: Received[]; stop(): Promise<void> }> {
  const received: Received[] = [];
  const server = new SMTPServer({
    // Plain SMTP on the loopback: no TLS upgrade, no login.
    disabledCommands: ['STARTTLS', 'AUTH'],
    logger: false,
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (chunk: Buffer) => chunks.push(chunk));
      stream.on('end', () => {
        const raw = Buffer.concat(chunks).toString('utf8');
        const text = /content-transfer-encoding: quoted-printable/i.test(raw)
          ? raw.replace(/=\r?\n/g, '').replace(/=([0-9A-F]{2})/g, (_match, hex: string) => String.fromCharCode(parseInt(hex, 16)))
          : raw;
        received.push({ from: session.envelope.mailFrom ? session.envelope.mailFrom.address : '', to: session.envelope.rcptTo.map((rcpt) => rcpt.address), text });
        callback();
      });
    },
  });
  const listening = await new Promise<AddressInfo>((resolve) => {
    const net = server.listen(0, '127.0.0.1', () => resolve(net.address() as AddressInfo));
  });
  return { url: `smtp://127.0.0.1:${listening.port}`, received, stop: () => new Promise((resolve) => server.close(() => resolve())) };
}

function logCollector() {
  const lines: string[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _encoding, done) {
      lines.push(...chunk.toString('utf8').split('\n').filter(Boolean));
      done();
    },
  });
  return { lines, stream };
}

const count = (text: string, part: string) => text.split(part).length - 1;

describe('enrolment links by email', () => {
  let mailbox: Awaited<ReturnType<typeof startMailbox>>;
  let t: TestServer;
  let tenant: TestTenant;
  let admin: string;
  const logs = logCollector();

  beforeAll(async () => {
    mailbox = await startMailbox();
    t = await startTestServer({ backend: 'pglite', server: { smtpUrl: mailbox.url, smtpFrom: 'Plantdesk <plantdesk@plant.example>', logger: { level: 'info', stream: logs.stream } } });
    tenant = await t.createTenant('Mailroom Works');
    admin = (await t.signIn(tenant.admin)).token;
  });
  afterAll(async () => {
    await t?.stop();
    await mailbox?.stop();
  });

  it('mails the new person their link, who made it and when it expires; the admin sees it once', async () => {
    const email = uniqueEmail('mailed');
    const created = await t.request('POST', `/v1/tenants/${tenant.id}/users`, { token: admin, body: { email, displayName: 'Mia Mailed', role: 'viewer' } });
    expect(created.status).toBe(201);
    const { link, expiresAt } = created.body.enrolment;
    expect(count(JSON.stringify(created.body), '/enrol#')).toBe(1);

    const mail = mailbox.received.find((message) => message.to.includes(email));
    expect(mail).toBeDefined();
    expect(mail!.from).toBe('plantdesk@plant.example');
    expect(mail!.text).toMatch(/^Content-Type: text\/plain/im);
    expect(count(mail!.text, link)).toBe(1);
    expect(mail!.text).toContain('Hello Mia Mailed,');
    expect(mail!.text).toContain('Test admin has set up Plantdesk for you at Mailroom Works.');
    expect(mail!.text).toContain(`expires on ${expiresAt.replace('T', ' ').slice(0, 16)} UTC`);
    // The emailed link is the working one.
    const { signedIn } = await t.enrol(link);
    expect(signedIn.user.email).toBe(email);
  });

  it('mails a reset link too, and never writes a link to the log', async () => {
    const person = await t.addMember(tenant.id, 'viewer');
    const before = mailbox.received.length;
    const reset = await t.request('POST', `/v1/tenants/${tenant.id}/users/${person.id}/reset`, { token: admin, body: { reason: 'new phone' } });
    expect(reset.status).toBe(200);
    expect(mailbox.received.slice(before).map((message) => message.to)).toEqual([[person.email]]);
    expect(mailbox.received.at(-1)!.text).toContain(reset.body.enrolment.link);
    const text = logs.lines.join('\n');
    expect(logs.lines.length).toBeGreaterThan(0);
    expect(text).not.toContain('/enrol#');
    for (const message of mailbox.received) expect(text).not.toContain(enrolmentToken(/https?:\/\/\S+\/enrol#[A-Za-z0-9_-]{43}/.exec(message.text)![0]));
  });
});

describe('enrolment links without a working mail server', () => {
  it('keeps the link in the answer only when no SMTP is configured: nothing is sent', async () => {
    const mailbox = await startMailbox();
    const t = await startTestServer({ backend: 'pglite' });
    try {
      const tenant = await t.createTenant('Quiet Works');
      const admin = (await t.signIn(tenant.admin)).token;
      const created = await t.request('POST', `/v1/tenants/${tenant.id}/users`, { token: admin, body: { email: uniqueEmail('quiet'), displayName: 'Quinn Quiet', role: 'viewer' } });
      expect(created.status).toBe(201);
      expect(created.body.enrolment.link).toMatch(/\/enrol#/);
      expect(mailbox.received).toEqual([]);
    } finally {
      await t.stop();
      await mailbox.stop();
    }
  });

  it('still answers with the link when the mail server cannot be reached, and logs only that the mail failed', async () => {
    const closed = await startMailbox();
    const url = closed.url;
    await closed.stop();
    const logs = logCollector();
    const t = await startTestServer({ backend: 'pglite', server: { smtpUrl: url, logger: { level: 'info', stream: logs.stream } } });
    try {
      const tenant = await t.createTenant('Offline Mail Works');
      const admin = (await t.signIn(tenant.admin)).token;
      const created = await t.request('POST', `/v1/tenants/${tenant.id}/users`, { token: admin, body: { email: uniqueEmail('unsent'), displayName: 'Uma Unsent', role: 'viewer' } });
      expect(created.status).toBe(201);
      const warning = logs.lines.map((line) => JSON.parse(line)).find((entry) => entry.msg === 'enrolment mail not sent');
      expect(warning).toMatchObject({ level: 40, code: expect.any(String) });
      expect(logs.lines.join('\n')).not.toContain(enrolmentToken(created.body.enrolment.link));
    } finally {
      await t.stop();
    }
  });
});
