/** Settings and ports for inbound mail handling; absent fields fall back to safe defaults. */
import type { Locale } from '../domain/dates.ts';
import type { SenderVerifier } from '../ports/sender-verifier.ts';

export type { AuthVerdict, SenderVerifier } from '../ports/sender-verifier.ts';

export type InboundAuthMode = 'off' | 'monitor' | 'enforce';

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
