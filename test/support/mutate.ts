/**
 * Reproducible damage to raw email messages for fuzz tests: truncation, header damage, charset lies, random
 * bytes, NULs, huge headers. Same seed, same messages, on every machine.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

import { prng } from '../../scripts/prng.ts';

type Mutation = (raw: Buffer, r: () => number) => Buffer;
const int = (r: () => number, n: number): number => Math.floor(r() * n);
const text = (raw: Buffer): string => raw.toString('latin1');
const bytes = (s: string): Buffer => Buffer.from(s, 'latin1');

export const MUTATIONS: Record<string, Mutation> = {
  truncate: (raw, r) => raw.subarray(0, int(r, raw.length)),
  flipBytes: (raw, r) => { const b = Buffer.from(raw); for (let i = 0; i < 1 + int(r, 20); i += 1) b[int(r, b.length)] = int(r, 256); return b; },
  insertRandom: (raw, r) => { const at = int(r, raw.length); return Buffer.concat([raw.subarray(0, at), Buffer.from(Array.from({ length: 1 + int(r, 64) }, () => int(r, 256))), raw.subarray(at)]); },
  insertNul: (raw, r) => { const at = int(r, raw.length); return Buffer.concat([raw.subarray(0, at), Buffer.alloc(1 + int(r, 4)), raw.subarray(at)]); },
  dropColons: (raw, r) => bytes(text(raw).replace(/^([A-Za-z-]+):/gm, (m, name: string) => (r() < 0.3 ? `${name} ` : m))),
  dropBlankLine: (raw) => bytes(text(raw).replace(/\r?\n\r?\n/, '\r\n')),
  duplicateHeaders: (raw) => { const s = text(raw); const end = s.search(/\r?\n\r?\n/); return end === -1 ? raw : bytes(s.slice(0, end) + s.slice(0, end) + s.slice(end)); },
  charsetLie: (raw, r) => bytes(text(raw).replace(/charset="?[\w-]+"?/gi, () => ['charset=utf-8', 'charset=windows-1256', 'charset=iso-8859-6', 'charset=x-bogus', 'charset='][int(r, 5)] ?? '')),
  breakBoundary: (raw) => bytes(text(raw).replace(/boundary="?([^";\r\n]+)"?/i, 'boundary="changed"')),
  badEncoding: (raw, r) => bytes(text(raw).replace(/Content-Transfer-Encoding: \w+/gi, () => `Content-Transfer-Encoding: ${['base64', 'quoted-printable', '8bit', 'x-uuencode'][int(r, 4)] ?? ''}`)),
  hugeHeader: (raw, r) => Buffer.concat([bytes(`X-Filler: ${'a'.repeat(1000 + int(r, 200_000))}\r\n`), raw]),
  lfOnly: (raw) => bytes(text(raw).replace(/\r\n/g, '\n')),
  shuffleLines: (raw, r) => { const lines = text(raw).split('\n'); for (let i = lines.length - 1; i > 0; i -= 1) { const j = int(r, i + 1); [lines[i], lines[j]] = [lines[j] ?? '', lines[i] ?? '']; } return bytes(lines.join('\n')); },
  encodedWordJunk: (raw, r) => bytes(text(raw).replace(/^Subject:.*$/m, `Subject: =?utf-8?B?${Buffer.from(Array.from({ length: 40 }, () => int(r, 256))).toString('base64')}?= =?x?Q?=0D=0ABcc:_x@y?=`)),
};

export const FIXTURE_DIR = 'test/fixtures/mail';
const fixtures = readdirSync(FIXTURE_DIR).filter((f) => f.endsWith('.eml')).sort().map((f) => ({ name: f, raw: readFileSync(join(FIXTURE_DIR, f)) }));
export const MUTATION_NAMES = Object.keys(MUTATIONS);
const names = MUTATION_NAMES;

export interface FuzzCase { id: number; fixture: string; steps: string[]; raw: Buffer }

/** `count` damaged copies of fixtures, each with one to three mutations. */
export function fuzzCases(seed: number, count: number): FuzzCase[] {
  const r = prng(seed);
  return Array.from({ length: count }, (_, id) => {
    const f = fixtures[int(r, fixtures.length)]!;
    const steps = Array.from({ length: 1 + int(r, 3) }, () => names[int(r, names.length)]!);
    const raw = steps.reduce<Buffer>((acc, step) => MUTATIONS[step]!(acc, r), f.raw);
    return { id, fixture: f.name, steps, raw };
  });
}

