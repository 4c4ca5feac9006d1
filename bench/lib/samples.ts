/** Raw samples behind a figure, kept in bench/out/ (git-ignored) for looking into a surprising percentile. */
import { mkdirSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const OUT = fileURLToPath(new URL('../out/', import.meta.url));

export function writeSamples(name: string, data: Record<string, unknown>): void {
  mkdirSync(OUT, { recursive: true });
  writeFileSync(`${OUT}${name}-samples.json`, JSON.stringify(data));
}
