/**
 * DMARC, DKIM and SPF for a message fetched from the mailbox, computed by mailauth on the raw bytes. The client
 * IP and HELO come from the topmost Received header, which our own mail server wrote (trustReceived).
 */
import { authenticate } from 'mailauth';
import type { AuthVerdict, SenderVerifier } from '../ports/sender-verifier.ts';
import type { DnsResolver } from './dns-resolver.ts';

export function mailauthVerifier(resolver: DnsResolver): SenderVerifier {
  return {
    async verify(raw: Buffer): Promise<AuthVerdict> {
      const r = await authenticate(raw, {
        trustReceived: true, resolver, disableArc: true, disableBimi: true, mta: 'tasaeed',
      });
      // mailauth reports an unsigned message as one result "none" without a domain.
      const dkim = r.dkim.results.filter((d) => d.status.result !== 'none').map((d) => `${d.status.result} (d=${d.signingDomain})`);
      const dmarc = r.dmarc === false ? undefined : r.dmarc;
      return {
        dmarc: dmarc?.status.result ?? 'none',
        spf: r.spf === false ? 'none' : r.spf.status.result,
        dkim: dkim.length === 0 ? 'none' : dkim.join(', '),
        domain: dmarc?.domain ?? '',
        comment: dmarc?.status.comment ?? dmarc?.error ?? '',
      };
    },
  };
}
