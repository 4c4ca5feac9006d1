/**
 * Replies without plus addressing and the Core mailbox's aliases, without services: the signed token at the front
 * of our Message-ID is found again in In-Reply-To / References and verifies only for the person it was issued to;
 * aliases are Core mail (routing, tokens) and our own (loops); the policy refuses an alias that is a person.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { classify } from '../../src/domain/classify.ts';
import type { InboundMail } from '../../src/domain/mail.ts';
import { coreAddresses, validatePolicy } from '../../src/domain/policy.ts';
import {
  findReplyTokens, isCoreAddress, messageIdLabel, replyTokenLabel, verifyReplyToken,
} from '../../src/domain/reply-token.ts';
import { findReportTokens, reportTokenLabel, verifyReportToken } from '../../src/domain/report-reply-token.ts';
import { routeMail } from '../../src/domain/routing.ts';

const secret = 'x'.repeat(40);
const CORE = 'core@ufuq.test';
const ALIAS = 'escalations@ufuq.test';
const ourId = (label: string): string => `<${label}.5b3c0e1a-7f1d-4c61-9d7e-3f7e8f0a9b21@ufuq.test>`;

function mail(over: Partial<InboundMail> = {}): InboundMail {
  return {
    messageId: '<m1@dept.test>', inReplyTo: null, references: [], from: { email: 'head.fin@ufuq.test', name: '' },
    recipients: [CORE], subject: 'RE: تأخر', text: '#حل', headers: new Map(), contentType: 'text/plain', date: null, attachments: [], ...over,
  };
}

describe('the reply token in our Message-ID (REPLY_ADDRESS=plain)', () => {
  const label = replyTokenLabel(secret, 42, 'Head.Fin@ufuq.test');

  it('is read back from In-Reply-To, and from References when a client keeps only those', () => {
    expect(messageIdLabel(ourId(label))).toBe(label);
    expect(messageIdLabel('<5b3c0e1a@ufuq.test>')).toBeUndefined();
    for (const m of [mail({ inReplyTo: ourId(label) }), mail({ references: [ourId(label), '<other@x.test>'] })]) {
      const [token] = findReplyTokens(CORE, m);
      expect(token?.ticketId).toBe(42);
      expect(verifyReplyToken(secret, token!, 'head.fin@ufuq.test')).toBe(true);
      // the same Message-ID gives no authority to anyone else (a forged From)
      expect(verifyReplyToken(secret, token!, 'clerk@ufuq.test')).toBe(false);
    }
  });

  it('puts a plus address first, then the message answered, then older References', () => {
    const other = replyTokenLabel(secret, 7, 'head.fin@ufuq.test');
    const older = replyTokenLabel(secret, 3, 'head.fin@ufuq.test');
    const m = mail({ recipients: [`core+${other}@ufuq.test`], inReplyTo: ourId(label), references: [ourId(older), ourId(label)] });
    expect(findReplyTokens(CORE, m).map((t) => t.ticketId)).toEqual([7, 42, 42, 3]);
  });

  it('threads a reply to the Core address by the token, and never takes a report token for a ticket token', () => {
    expect(classify(mail({ inReplyTo: ourId(label) }), { coreMailbox: CORE, loopHeader: 'x-tasaeed' })).toMatchObject({ kind: 'reply', ticketId: 42, via: 'reply_token' });
    const report = reportTokenLabel(secret, 9, 'head.fin@ufuq.test');
    const onReport = mail({ inReplyTo: ourId(report) });
    expect(findReplyTokens(CORE, onReport)).toEqual([]);
    const [r] = findReportTokens(CORE, onReport);
    expect(r?.runId).toBe(9);
    expect(verifyReportToken(secret, r!, 'head.fin@ufuq.test')).toBe(true);
  });
});

describe('the Core mailbox\'s aliases', () => {
  const example = (): Record<string, unknown> => parse(readFileSync('examples/policy.yaml', 'utf8')) as Record<string, unknown>;
  const withAliases = (aliases: string[]): Record<string, unknown> => {
    const p = example();
    return { ...p, core: { ...(p.core as Record<string, unknown>), aliases } };
  };

  it('are Core mail: plus addresses on an alias route and carry tokens; mail from an alias is a loop', () => {
    const policy = validatePolicy(withAliases([ALIAS]));
    const core = coreAddresses(policy);
    expect(core).toEqual([CORE, ALIAS]);
    expect(isCoreAddress(core, 'Escalations@ufuq.test')).toBe(true);
    expect(isCoreAddress(CORE, ALIAS)).toBe(false);
    expect(routeMail(policy, { recipients: ['escalations+finance@ufuq.test'], subject: 'x', text: 'y' })).toMatchObject({ departmentKey: 'finance', via: 'plus_address' });
    const label = replyTokenLabel(secret, 5, 'head.fin@ufuq.test');
    expect(findReplyTokens(core, mail({ recipients: [`escalations+${label}@ufuq.test`] }))[0]?.ticketId).toBe(5);
    const fromAlias = mail({ from: { email: ALIAS, name: 'Core' }, text: 'نسخة' });
    expect(classify(fromAlias, { coreMailbox: CORE, coreAliases: policy.core.aliases, loopHeader: 'x-tasaeed' }).kind).toBe('loop');
    expect(classify(fromAlias, { coreMailbox: CORE, loopHeader: 'x-tasaeed' }).kind).not.toBe('loop');
  });

  it('may not be a person, nor the mailbox itself', () => {
    expect(() => validatePolicy(withAliases(['gm@ufuq.test']))).toThrow(/core\.aliases\[0\]: gm@ufuq\.test is a person's address/);
    expect(() => validatePolicy(withAliases([CORE]))).toThrow(/core\.aliases\[0\]: core@ufuq\.test is the Core mailbox itself/);
  });
});
