/**
 * Parse + classify of one raw message without any service: the code path of `tasaeed classify`, of the fixture
 * corpus tests and of the classify benchmark. Never throws; every input gets an outcome.
 */
import { readFile } from 'node:fs/promises';
import { performance } from 'node:perf_hooks';
import { parseMail } from '../adapters/mail-parse.ts';
import { classify, type Classification, type ClassifyContext } from '../domain/classify.ts';
import type { InboundMail } from '../domain/mail.ts';
import { LOOP_HEADER } from './deps.ts';

export interface ClassifyOptions {
  coreMailbox: string;
  maxMessageBytes?: number;
  /** Context the pipeline looks up in the database (thread of our Message-IDs, sender's recent messages). */
  context?: Partial<Omit<ClassifyContext, 'coreMailbox' | 'loopHeader'>>;
}

export const DEFAULT_MAX_MESSAGE_BYTES = 25 * 1024 * 1024;

export function oversize(size: number, max: number): Classification | undefined {
  return size > max
    ? { kind: 'quarantine', code: 'too_large', reason: `message is ${size} bytes, over the limit of ${max}` }
    : undefined;
}

export function classifyParsed(mail: InboundMail, o: ClassifyOptions): Classification {
  return classify(mail, { coreMailbox: o.coreMailbox, loopHeader: LOOP_HEADER, ...o.context });
}

export async function classifyRaw(raw: Buffer, o: ClassifyOptions): Promise<{ classification: Classification; mail?: InboundMail }> {
  const big = oversize(raw.length, o.maxMessageBytes ?? DEFAULT_MAX_MESSAGE_BYTES);
  if (big !== undefined) return { classification: big };
  try {
    const mail = await parseMail(raw);
    return { classification: classifyParsed(mail, o), mail };
  } catch (err) {
    // parseMail does not throw; this guards the promise for callers that must always get an outcome.
    return { classification: { kind: 'quarantine', code: 'broken_mime', reason: `cannot be parsed: ${err instanceof Error ? err.message : String(err)}` } };
  }
}

export async function classifyFile(file: string, o: ClassifyOptions): Promise<Classification> {
  let raw: Buffer;
  try {
    raw = await readFile(file);
  } catch (err) {
    return { kind: 'quarantine', code: 'broken_mime', reason: `cannot be read: ${err instanceof Error ? err.message : String(err)}` };
  }
  return (await classifyRaw(raw, o)).classification;
}

export interface Throughput {
  messages: number;
  ms: number;
  perSecond: number;
}

/** Classifies the messages again and again for at least `minMs`; the benchmark reports the rate. */
export async function classifyThroughput(raws: readonly Buffer[], o: ClassifyOptions & { minMs?: number }): Promise<Throughput> {
  if (raws.length === 0) return { messages: 0, ms: 0, perSecond: 0 };
  const start = performance.now();
  let messages = 0;
  do {
    for (const raw of raws) await classifyRaw(raw, o);
    messages += raws.length;
  } while (performance.now() - start < (o.minMs ?? 1000));
  const ms = performance.now() - start;
  return { messages, ms, perSecond: Math.round((messages / ms) * 1000) };
}
