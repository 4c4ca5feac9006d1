/**
 * The corpus of hand-written .eml fixtures (test/fixtures/mail) and its table of expected outcomes, run through
 * the code path of `tasaeed classify`: parse, classify, and what the pipeline then reads from the message (the
 * new text of a reply, attachments, the failed email of a bounce, the DMARC verdict on a fixed DNS table).
 */
import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { mailauthVerifier } from '../../src/adapters/dmarc-check.ts';
import { loadDnsTable, staticResolver } from '../../src/adapters/dns-resolver.ts';
import { classifyRaw } from '../../src/app/classify-file.ts';
import { readBounce } from '../../src/domain/dsn.ts';
import { stripQuoted } from '../../src/domain/quote-strip.ts';

const DIR = 'test/fixtures/mail';

interface Expected {
  kind: string;
  reason: string;
  code?: string;
  ticketId?: number;
  via?: string;
  context?: { threadTicketId?: number };
  subject?: string;
  text?: string;
  notText?: string[];
  newText?: string;
  attachments?: string[];
  inline?: string[];
  contains?: string[];
  bounce?: { recipient: string; action: string; status?: string; messageId: string; ticketIds: number[] };
  dmarc?: string;
}

const table = JSON.parse(readFileSync(join(DIR, 'expected.json'), 'utf8')) as { core: string; dns: string; fixtures: Record<string, Expected> };
const files = readdirSync(DIR).filter((f) => f.endsWith('.eml')).sort();
const noRealDns = (name: string): Promise<never> => Promise.reject(Object.assign(new Error(`no real DNS in unit tests (${name})`), { code: 'ENOTFOUND' }));
const verifier = mailauthVerifier(staticResolver(loadDnsTable(join(DIR, table.dns)), noRealDns));

describe('fixture corpus', () => {
  it('has at least 40 fixtures and an expected outcome for every one of them', () => {
    expect(files.length).toBeGreaterThanOrEqual(40);
    expect(Object.keys(table.fixtures).sort()).toEqual(files);
  });

  it.each(files)('%s', async (file) => {
    const e = table.fixtures[file]!;
    const raw = readFileSync(join(DIR, file));
    const { classification: c, mail } = await classifyRaw(raw, { coreMailbox: table.core, context: e.context ?? {} });
    expect(c.kind).toBe(e.kind);
    expect(c.reason).toMatch(new RegExp(e.reason, 'u'));
    if (e.code !== undefined) expect(c.code).toBe(e.code);
    if (e.ticketId !== undefined) expect(c.ticketId).toBe(e.ticketId);
    if (e.via !== undefined) expect(c.via).toBe(e.via);
    if (mail === undefined) throw new Error('no parsed mail');
    if (e.subject !== undefined) expect(mail.subject).toBe(e.subject);
    if (e.text !== undefined) expect(mail.text).toContain(e.text);
    for (const bad of e.notText ?? []) expect(mail.text).not.toContain(bad);
    if (e.newText !== undefined) expect(stripQuoted(mail.text)).toBe(e.newText);
    if (e.attachments !== undefined) expect(mail.attachments.map((a) => a.filename)).toEqual(e.attachments);
    if (e.inline !== undefined) expect(mail.attachments.filter((a) => a.inline === true).map((a) => a.filename)).toEqual(e.inline);
    if (e.contains !== undefined) expect(mail.attachments.flatMap((a) => a.contains ?? [])).toEqual(e.contains);
    if (e.bounce !== undefined) {
      const b = readBounce(mail);
      expect(b.recipients[0]).toMatchObject({ address: e.bounce.recipient, action: e.bounce.action, ...(e.bounce.status === undefined ? {} : { status: e.bounce.status }) });
      expect(b.messageIds[0]).toBe(e.bounce.messageId);
      expect(b.ticketIds).toEqual(e.bounce.ticketIds);
    }
    if (e.dmarc !== undefined) expect((await verifier.verify(raw)).dmarc).toBe(e.dmarc);
  });

  it('prints the same outcomes from the `tasaeed classify` command', () => {
    const run = spawnSync(process.execPath, ['bin/tasaeed.mjs', 'classify', '--json', '--core', table.core, ...files.map((f) => join(DIR, f))], { encoding: 'utf8' });
    expect(run.status).toBe(0);
    const lines = run.stdout.trim().split('\n').map((l) => JSON.parse(l) as { file: string; kind: string });
    const withoutContext = Object.entries(table.fixtures).filter(([, e]) => e.context === undefined);
    expect(lines.filter((l) => withoutContext.some(([f]) => l.file.endsWith(`/${f}`))).map((l) => [l.file.slice(DIR.length + 1), l.kind]))
      .toEqual(withoutContext.map(([f, e]) => [f, e.kind]).sort((a, b) => a[0]!.localeCompare(b[0]!)));
  });
});
