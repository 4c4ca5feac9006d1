/** Sends email through SMTP or LMTP with nodemailer. */
import nodemailer from 'nodemailer';
import type SMTPTransport from 'nodemailer/lib/smtp-transport/index.js';

export interface OutgoingEmail {
  from: { name: string; address: string };
  to: string;
  replyTo: string;
  subject: string;
  html: string;
  text: string;
  messageId: string;
  inReplyTo?: string | undefined;
  references?: string[] | undefined;
  headers: Record<string, string>;
  attachments?: { filename: string; content: string | Buffer; contentType: string }[] | undefined;
}

export interface Mailer {
  send(mail: OutgoingEmail): Promise<{ response: string }>;
  close(): void;
}

/** Host, port, TLS and sign-in, from `smtpTransportOptions` (mail-connection.ts). */
export type MailerOptions = SMTPTransport.Options;

export function createMailer(options: MailerOptions): Mailer {
  // LMTP (local delivery) cannot be pooled; SMTP uses one connection per send, which the worker's concurrency bounds.
  const transport = nodemailer.createTransport(options);
  return {
    async send(m) {
      const info = await transport.sendMail({
        from: m.from, to: m.to, replyTo: m.replyTo, subject: m.subject, html: m.html, text: m.text,
        messageId: m.messageId, inReplyTo: m.inReplyTo, references: m.references, headers: m.headers,
        attachments: m.attachments, disableFileAccess: true, disableUrlAccess: true,
      }) as { response?: string; rejected?: unknown[] };
      if (Array.isArray(info.rejected) && info.rejected.length > 0) {
        throw new Error(`recipient rejected: ${info.rejected.map(String).join(', ')} (${info.response ?? ''})`);
      }
      return { response: info.response ?? '' };
    },
    close() { transport.close(); },
  };
}
