/** What the rules need to know about an inbound email, independent of the parser that produced it. */
export interface MailAddress {
  email: string;
  name: string;
}

export interface MailAttachment {
  filename: string;
  contentType: string;
  size: number;
  /** The bytes as received (decoded from base64/QP, never decompressed). */
  content?: Uint8Array;
  /** An inline part (e.g. an image in the HTML body) rather than a file the sender attached. */
  inline?: boolean;
  contentId?: string;
  /** The file names inside a winmail.dat (TNEF) container. */
  contains?: readonly string[];
}

/** Something wrong with the raw message that makes it unsafe to act on; it is quarantined with this reason. */
export interface MailProblem {
  code: 'nul_bytes' | 'no_header' | 'header_too_large' | 'broken_mime' | 'unreadable_text' | 'bad_sender';
  detail: string;
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
  /** Problems found in the raw message (see mail-sanity.ts); any one of them quarantines it. */
  problems?: readonly MailProblem[];
}
