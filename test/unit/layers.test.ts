/**
 * The house's layers, checked on the source: domain imports no I/O layer, adapters never import the app layer
 * (ports live in src/ports), and no use case in src/app writes SQL (queries live in stores under src/adapters).
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

function files(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => e.isDirectory() ? files(join(dir, e.name)) : e.name.endsWith('.ts') ? [join(dir, e.name)] : []);
}

const importsOf = (file: string): string[] => [...readFileSync(file, 'utf8').matchAll(/from '([^']+)'/g)].map((m) => m[1] ?? '');
const offenders = (dir: string, bad: (spec: string) => boolean): string[] =>
  files(dir).flatMap((f) => importsOf(f).filter(bad).map((spec) => `${f} imports ${spec}`));

describe('layers', () => {
  it('domain imports no adapter, use case or entry point', () => {
    expect(offenders('src/domain', (s) => /\/(adapters|app|entry|ports)\//.test(s))).toEqual([]);
  });

  it('adapters never import the app layer or entry points', () => {
    expect(offenders('src/adapters', (s) => /\.\.\/(app|entry)\//.test(s))).toEqual([]);
  });

  it('no use case writes SQL', () => {
    const sql = /\b(tx|db|deps\.db)\s*\(\s*'|\.raw\s*\(|\.whereRaw\s*\(/;
    const found = files('src/app').flatMap((f) => readFileSync(f, 'utf8').split('\n')
      .map((line, i) => ({ line, at: `${f}:${String(i + 1)}` })).filter((l) => sql.test(l.line)).map((l) => `${l.at}: ${l.line.trim()}`));
    expect(found).toEqual([]);
  });
});
