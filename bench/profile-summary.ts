/** Summarises a .cpuprofile: where the self time goes, by function and by package or source folder. */
import { readFileSync } from 'node:fs';

interface Node { id: number; callFrame: { functionName: string; url: string; lineNumber: number }; hitCount?: number }
interface Profile { nodes: Node[]; samples: number[]; timeDeltas: number[] }

const file = process.argv[2];
if (file === undefined) {
  process.stderr.write('usage: npx tsx bench/profile-summary.ts <file.cpuprofile> [top]\n');
  process.exit(2);
}
const top = Number(process.argv[3] ?? 30);
const profile = JSON.parse(readFileSync(file, 'utf8')) as Profile;
const byId = new Map(profile.nodes.map((n) => [n.id, n]));
const self = new Map<number, number>();
profile.samples.forEach((id, i) => { self.set(id, (self.get(id) ?? 0) + (profile.timeDeltas[i] ?? 0)); });
const total = [...self.values()].reduce((a, b) => a + b, 0);

const where = (url: string): string => {
  const pkg = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url);
  if (pkg !== null) return pkg[1] ?? url;
  const src = /\/(src\/[^/]+|bench\/[^/]+|scripts)\//.exec(url);
  return src?.[1] ?? (url === '' ? '(native/gc/idle)' : url.replace(/^.*\//, ''));
};
const fnKey = (n: Node): string => `${n.callFrame.functionName || '(anonymous)'} ${where(n.callFrame.url)}:${n.callFrame.lineNumber + 1}`;

const sum = (key: (n: Node) => string): [string, number][] => {
  const m = new Map<string, number>();
  for (const [id, us] of self) {
    const n = byId.get(id);
    if (n !== undefined) m.set(key(n), (m.get(key(n)) ?? 0) + us);
  }
  return [...m.entries()].sort((a, b) => b[1] - a[1]);
};
const show = (title: string, rows: [string, number][]): void => {
  process.stdout.write(`\n${title} (total ${(total / 1000).toFixed(0)} ms)\n`);
  for (const [k, us] of rows.slice(0, top)) process.stdout.write(`${((us / total) * 100).toFixed(1).padStart(5)}%  ${(us / 1000).toFixed(0).padStart(7)} ms  ${k}\n`);
};
show('self time by package / folder', sum((n) => where(n.callFrame.url)));
show('self time by function', sum(fnKey));
