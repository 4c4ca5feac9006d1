/** What the rules need to know about an inbound email, independent of the parser that produced it. */
export interface MailAddress {
  email: string;
  name: string;
}

export interface MailAttachment {
  filename: string;
  contentType: string;
  size: number;
}

export interface InboundMail {
  messageId: string | null;
  inReplyTo: string | null;
  references: readonly string[];
  from: MailAddress | null;
  /** To, Cc and Delivered-To addresses, lower-cased. */
  recipients: readonly string[];
  subject: string;
  /** The body as plain text (HTML-only mail converted). */
  text: string;
  /** Lower-cased header names to their (first) value, as text. */
  headers: ReadonlyMap<string, string>;
  /** The top-level Content-Type with its parameters, lower-cased. */
  contentType: string;
  date: Date | null;
  attachments: readonly MailAttachment[];
}
