/** Settings and ports for inbound mail handling; absent fields fall back to safe defaults. */
import type { Locale } from '../domain/dates.ts';

export type InboundAuthMode = 'off' | 'monitor' | 'enforce';

/** What a DMARC check on the raw message concluded (the adapter computes it with mailauth). */
export interface AuthVerdict {
  dmarc: string;
  spf: string;
  dkim: string;
  /** The From domain the verdict is about. */
  domain: string;
  comment: string;
}

export interface SenderVerifier {
  verify(raw: Buffer): Promise<AuthVerdict>;
}

export interface InboundDeps {
  authMode: InboundAuthMode;
  verifier?: SenderVerifier | undefined;
  maxAttachmentBytes: number;
  maxAttachments: number;
}

export const DEFAULT_INBOUND: InboundDeps = {
  authMode: 'off', maxAttachmentBytes: 10 * 1024 * 1024, maxAttachments: 20,
};

export type Bilingual = Record<Locale, string>;
