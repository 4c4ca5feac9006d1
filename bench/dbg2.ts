import { MailMix } from './lib/mix.ts';
import { validatePolicy } from '../src/domain/policy.ts';
import { parseMail } from '../src/adapters/mail-parse.ts';
import { routeMail } from '../src/domain/routing.ts';
import { parse } from 'yaml';
import { readFileSync } from 'node:fs';
const policy = validatePolicy(parse(readFileSync('examples/policy.yaml', 'utf8')));
const mix = new MailMix(policy, 'x'.repeat(40), 'g', 1);
const msgs = mix.batch(2000, [], 0);
for (let round = 0; round < 3; round++) {
  const c0 = process.cpuUsage(); const t = performance.now();
  const parsed = [];
  for (const m of msgs) parsed.push(await parseMail(m.raw));
  const c = process.cpuUsage(c0);
  const c1 = process.cpuUsage(); 
  for (const p of parsed) routeMail(policy, p);
  const r = process.cpuUsage(c1);
  console.log('parse 2000:', (performance.now() - t).toFixed(0), 'ms wall, cpu', ((c.user + c.system) / 1000).toFixed(0), 'ms; route cpu', ((r.user + r.system) / 1000).toFixed(0));
}
