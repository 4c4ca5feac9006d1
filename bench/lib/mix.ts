/**
 * The mail a Core mailbox receives on a busy day: new escalations (routed by plus address, subject tag or keyword,
 * some left for triage) and replies from department heads to the copies we sent them — through the signed reply
 * address, with In-Reply-To and an Outlook-quoted history, some carrying #ملاحظة (note) or #حل (resolve).
 */
import type { Db } from '../../src/adapters/db.ts';
import { replyAddress } from '../../src/domain/reply-token.ts';
import type { Policy } from '../../src/domain/policy.ts';
import { DEPARTMENT_TOPICS, fillTo, outlookMessage, pick, rng, SENDERS } from './arabic-mail.ts';

export type MixKind = 'new' | 'reply' | 'note' | 'resolve';

export interface MixMessage { raw: Buffer; messageId: string; kind: MixKind }

/** A ticket a head can answer: what its copy looked like. */
export interface ReplyTarget {
  ticketId: number;
  ref: string;
  subject: string;
  description: string;
  head: string;
  copyMessageId: string;
  copySentAt: Date;
}

/** New escalations are filled to this size; replies carry a short new text and a quoted history of similar size. */
export const TARGET_BYTES = 4900;

/** The tickets whose copy went to a department head, newest first. */
export async function replyTargets(db: Db, limit: number): Promise<ReplyTarget[]> {
  const rows = await db('outbox as o').join('tickets as t', 't.id', 'o.ticket_id')
    .where('o.template', 'ticket-copy').orderBy('o.id', 'desc').limit(limit)
    .select('t.id', 't.ref', 't.subject', 't.description', 'o.to_email', 'o.message_id', 'o.created_at') as {
      id: number; ref: string; subject: string; description: string; to_email: string; message_id: string; created_at: Date;
    }[];
  return rows.map((r) => ({
    ticketId: r.id, ref: r.ref, subject: r.subject, description: r.description, head: r.to_email,
    copyMessageId: r.message_id, copySentAt: r.created_at,
  }));
}

export class MailMix {
  private readonly r: () => number;
  private readonly resolved = new Set<number>();
  private readonly core: string;
  private readonly domain: string;

  constructor(private readonly policy: Policy, private readonly secret: string, private readonly run: string, seed: number) {
    this.r = rng(seed);
    this.core = policy.core.mailbox;
    this.domain = policy.organisation.domain;
  }

  private name(email: string): string {
    return this.policy.people.find((p) => p.email === email)?.name.ar ?? email;
  }

  /** A new escalation; `routed` forces a department (for seeding tickets that have a head to reply). */
  newEscalation(i: number, routed = false): MixMessage {
    const r = this.r;
    const topic = pick(r, DEPARTMENT_TOPICS);
    const sender = pick(r, SENDERS);
    const how = routed ? 0 : Math.floor(r() * 10);
    const customer = 1000 + Math.floor(r() * 9000);
    // 0–2 plus address, 3–5 subject tag, 6–8 keyword in the subject, 9 nothing to route by (Core triage).
    const to = how <= 2 ? this.core.replace('@', `+${topic.key}@`) : this.core;
    const subject = how <= 2 ? `${topic.topic} ${customer}`
      : how <= 5 ? `[${topic.name}] ${topic.topic} ${customer}`
        : how <= 8 ? `${topic.topic} رقم ${customer}` : `طلب متابعة عاجل للعميل ${customer}`;
    const messageId = `<${this.run}.${i}.${customer}@${this.domain}>`;
    const lead = `السلام عليكم ورحمة الله وبركاته،\r\n${how === 9 ? 'نرجو متابعة طلب العميل بشكل عاجل.' : topic.detail}`;
    const raw = fillTo(TARGET_BYTES, r, (body) => outlookMessage({
      from: { name: sender.name, email: `${sender.local}@${this.domain}` }, to: { name: 'الكور', email: to },
      subject, body, messageId, date: new Date(),
    }), lead);
    return { raw, messageId, kind: 'new' };
  }

  /** A head's answer to the copy of a ticket: plain reply 50 %, note 30 %, resolve 20 % (once per ticket). */
  reply(i: number, t: ReplyTarget): MixMessage {
    const r = this.r;
    const roll = r();
    let kind: MixKind = roll < 0.5 ? 'reply' : roll < 0.8 ? 'note' : 'resolve';
    if (kind === 'resolve' && this.resolved.has(t.ticketId)) kind = 'note';
    if (kind === 'resolve') this.resolved.add(t.ticketId);
    const lead = kind === 'reply' ? 'شكراً على الإحالة، نعمل على الموضوع وسنعود إليكم قبل نهاية اليوم.'
      : kind === 'note' ? '#ملاحظة تم التواصل مع العميل وتحديد موعد جديد للتسليم يوم الخميس.'
        : '#حل\r\nالسبب: تأخر اعتماد الطلب لغياب المعتمد وعدم تعيين بديل.\r\nالإجراء الوقائي: تعيين معتمد بديل لكل طلب وتنبيه آلي بعد 12 ساعة.';
    const messageId = `<${this.run}.r${i}.${t.ticketId}@${this.domain}>`;
    const subject = `RE: [${t.ref}] تذكرة مصعّدة إلى إدارتكم: ${t.subject}`;
    const quoted = { from: `الكور <${this.core}>`, to: `${this.name(t.head)} <${t.head}>`, date: t.copySentAt, subject: subject.slice(4), text: Array.from(t.description).slice(0, 250).join('') };
    // The quoted history is as long as the original; the new text stays short, as people write replies.
    const raw = outlookMessage({
      from: { name: this.name(t.head), email: t.head },
      to: { name: 'الكور', email: replyAddress(this.core, this.secret, t.ticketId, t.head) },
      subject, body: lead, quoted, messageId, inReplyTo: t.copyMessageId, references: [t.copyMessageId], date: new Date(),
    });
    return { raw, messageId, kind };
  }

  /** `count` messages, a `replyShare` of them answering the targets in turn. */
  batch(count: number, targets: readonly ReplyTarget[], replyShare: number, from = 0): MixMessage[] {
    const out: MixMessage[] = [];
    let t = 0;
    for (let i = from; i < from + count; i += 1) {
      const target = targets[t % Math.max(1, targets.length)];
      if (target !== undefined && this.r() < replyShare) {
        out.push(this.reply(i, target));
        t += 1;
      } else {
        out.push(this.newEscalation(i));
      }
    }
    return out;
  }
}
