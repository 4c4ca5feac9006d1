/**
 * 7. Classify: parse + classify throughput over the project's .eml fixture corpus (test/fixtures/mail), through the
 * same code path as `tasaeed classify`. Floor, in the same run: mailparser alone on the same messages.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { simpleParser } from 'mailparser';
import { classifyThroughput } from '../../src/app/classify-file.ts';
import type { Scenario } from '../lib/scenario.ts';

const CORPUS = fileURLToPath(new URL('../../test/fixtures/mail', import.meta.url));

async function parseOnly(raws: readonly Buffer[], minMs: number): Promise<number> {
  const start = performance.now();
  let n = 0;
  do {
    for (const raw of raws) await simpleParser(raw, { skipImageLinks: true, skipTextToHtml: true });
    n += raws.length;
  } while (performance.now() - start < minMs);
  return (n / (performance.now() - start)) * 1000;
}

export const classify: Scenario = {
  name: 'classify',
  title: 'Classify: parse + classify throughput over the fixture corpus',
  offline: true,
  async run(ctx) {
    const files = readdirSync(CORPUS).filter((f) => f.endsWith('.eml')).sort();
    const raws = files.map((f) => readFileSync(join(CORPUS, f)));
    const minMs = ctx.quick ? 1500 : 5000;
    ctx.progress(`classify: ${files.length} fixtures, ${minMs} ms per measurement`);
    await classifyThroughput(raws, { coreMailbox: 'core@ufuq.test', minMs: 300 }); // warm up
    const t = await classifyThroughput(raws, { coreMailbox: 'core@ufuq.test', minMs });
    const floor = await parseOnly(raws, minMs);
    return {
      params: { fixtures: files.length, bytes: raws.reduce((s, r) => s + r.length, 0) },
      figures: [
        { key: 'classify.per_s', label: 'parse + classify (fixture corpus)', value: t.perSecond, unit: 'msgs/s',
          floor: { label: 'mailparser alone, same messages', value: floor }, ratioGoal: { op: '>=', value: 0.5 } },
      ],
      notes: ['one process, one core; the corpus includes a 192 KB header and garbage on purpose'],
    };
  },
};
