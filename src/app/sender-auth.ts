/**
 * Sender authentication for email commands (INBOUND_AUTH). The signed reply token proves the reply answers an
 * email we sent to that person; DMARC, computed on the raw message, proves the From header was not forged.
 * `enforce` refuses a command without a DMARC pass, `monitor` records and logs the result only, `off` skips it.
 * The verdict is recorded on the ticket's timeline (a `sender_checked` event) and on the inbound message.
 */
import { rawOf, recordSenderAuth } from '../adapters/inbound-store.ts';
import { addEvent, type Tx } from '../adapters/ticket-store.ts';
import type { InboundMail } from '../domain/mail.ts';
import type { Ticket } from '../domain/ticket.ts';
import type { AppDeps } from './deps.ts';
import { DEFAULT_INBOUND, type AuthVerdict, type Bilingual } from './inbound-deps.ts';

export interface AuthRefusal {
  command: string;
  reason: Bilingual;
}

async function verdictFor(tx: Tx, deps: AppDeps, inboundId: number): Promise<AuthVerdict> {
  const verifier = deps.inbound?.verifier;
  const failed = (comment: string): AuthVerdict => ({ dmarc: 'temperror', spf: 'none', dkim: 'none', domain: '', comment });
  if (verifier === undefined) return failed('no sender verifier is configured');
  const raw = await rawOf(tx, inboundId);
  if (raw === undefined) return failed('the raw message is not stored');
  try {
    return await verifier.verify(raw);
  } catch (err) {
    return failed(`the check failed: ${err instanceof Error ? err.message : String(err)}`);
  }
}

/** Checks the sender of a command; returns a refusal when INBOUND_AUTH=enforce and DMARC did not pass. */
export async function senderAuthRefusal(tx: Tx, deps: AppDeps, o: {
  ticket: Ticket; mail: InboundMail; inboundId: number; command: string;
}): Promise<AuthRefusal | undefined> {
  const mode = (deps.inbound ?? DEFAULT_INBOUND).authMode;
  if (mode === 'off') return undefined;
  const verdict = await verdictFor(tx, deps, o.inboundId);
  const sender = o.mail.from?.email ?? '';
  await recordSenderAuth(tx, o.inboundId, { mode, ...verdict });
  await addEvent(tx, {
    ticketId: o.ticket.id, kind: 'sender_checked', actor: sender, inboundId: o.inboundId, at: deps.clock.now(),
    data: { mode, command: o.command, ...verdict },
  });
  const pass = verdict.dmarc === 'pass';
  deps.log[pass ? 'info' : 'warn']({ sender, command: o.command, mode, ...verdict }, `sender authentication: DMARC ${verdict.dmarc}`);
  if (pass || mode !== 'enforce') return undefined;
  return {
    command: o.command,
    reason: {
      ar: `تعذّر التحقق من أن الرسالة أُرسلت فعلاً من ${sender} (نتيجة DMARC: ${verdict.dmarc})، لذلك لم يُنفَّذ الأمر. أرسلوا الرد من بريد المؤسسة مباشرة، أو راجعوا فريق تقنية المعلومات بشأن إعدادات DKIM/SPF للنطاق.`,
      en: `we could not verify that this message really came from ${sender} (DMARC result: ${verdict.dmarc}), so the command was not applied. Reply from your organisation mailbox directly, or ask IT to check the domain's DKIM/SPF setup.`,
    },
  };
}
