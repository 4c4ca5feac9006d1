/**
 * Mutates the fixture corpus (truncation, header damage, charset lies, random bytes, NULs, huge headers) with a
 * seeded PRNG, so a failure is reproducible from its case number: parse + classify must never throw and must
 * always give an outcome with a reason, and nothing read from the message may carry a line break into a header.
 */
import { describe, expect, it } from 'vitest';
import { classifyRaw } from '../../src/app/classify-file.ts';
import { parseCommand } from '../../src/domain/commands.ts';
import { readBounce } from '../../src/domain/dsn.ts';
import { stripQuoted } from '../../src/domain/quote-strip.ts';
import { fuzzCases, MUTATION_NAMES } from '../support/mutate.ts';

const SEED = 0x7a5aeed;
const CASES = 320;
const KINDS = ['new', 'reply', 'auto_reply', 'bounce', 'loop', 'list', 'quarantine'];

const cases = fuzzCases(SEED, CASES);

describe(`fuzz (seed ${SEED}, ${CASES} mutated messages)`, () => {
  it('never throws and always gives an outcome with a reason', async () => {
    const failures: string[] = [];
    for (const c of cases) {
      try {
        const { classification, mail } = await classifyRaw(c.raw, { coreMailbox: 'core@ufuq.test' });
        if (!KINDS.includes(classification.kind) || classification.reason.trim() === '') throw new Error(`bad outcome ${JSON.stringify(classification)}`);
        if (mail !== undefined) {
          if (/[\r\n\0]/.test(mail.subject) || /[\r\n\0]/.test(mail.from?.name ?? '')) throw new Error('a line break or NUL survived in a one-line field');
          parseCommand(stripQuoted(mail.text));
          readBounce(mail);
        }
      } catch (err) {
        failures.push(`case ${c.id} (${c.fixture} ${c.steps.join('+')}): ${err instanceof Error ? err.message : String(err)}`);
      }
    }
    expect(failures).toEqual([]);
  });

  it('covers every mutation and quarantines some of what it breaks', async () => {
    expect(new Set(cases.flatMap((c) => c.steps))).toEqual(new Set(MUTATION_NAMES));
    const kinds = await Promise.all(cases.map(async (c) => (await classifyRaw(c.raw, { coreMailbox: 'core@ufuq.test' })).classification.kind));
    expect(kinds).toContain('quarantine');
    expect(kinds).toContain('new');
  });
});
