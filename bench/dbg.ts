import { startServices } from '../scripts/services.ts';
import { Cleanup } from './lib/cleanup.ts';
import { BenchInstallation, MAIL_PASSWORD } from './lib/installation.ts';
import { MailMix, replyTargets } from './lib/mix.ts';
import { ingestRaw, processPending } from '../src/app/ingest-message.ts';
import { profiled } from './lib/profile.ts';
import { storeRaw } from '../src/adapters/inbound-store.ts';
import { readFileSync } from 'node:fs';
function mainCpu(): number { const f = readFileSync(`/proc/self/task/${process.pid}/stat`, 'utf8').split(') ')[1]!.split(' '); return (Number(f[11]) + Number(f[12])) * 10; }
const services = await startServices({ name: 'bench-dbg', mailboxes: [], password: MAIL_PASSWORD });
const cleanup = new Cleanup();
cleanup.add('s', () => services.stop());
try {
  const inst = await BenchInstallation.create(services, cleanup, 'dbg');
  const app = await inst.open();
  cleanup.add('app', () => app.close());
  const mix = new MailMix(inst.policy, inst.config.REPLY_SECRET, 'dbg', 11);
  await ingestRaw(app.deps, Array.from({ length: 50 }, (_, i) => mix.newEscalation(i, true)).map((m) => ({ mailbox: 'seed', uidvalidity: null, uid: null, raw: m.raw })));
  const targets = await replyTargets(inst.db, 50);
  const warm = mix.batch(2000, targets, 0.3, 50);
  await ingestRaw(app.deps, warm.map((m, k) => ({ mailbox: 'INBOX', uidvalidity: 1, uid: 100000 + k, raw: m.raw })));
  const msgs = mix.batch(4000, targets, 0.3, 5000);
  let t = performance.now();
  for (let i = 0; i < msgs.length; i += 200) await app.deps.db.transaction((tx) => storeRaw(tx, msgs.slice(i, i + 200).map((m, k) => ({ mailbox: 'INBOX', uidvalidity: 1, uid: i + k + 1, raw: m.raw }))));
  console.log('store', (performance.now() - t).toFixed(0), 'ms');
  const counts = new Map<string, number>();
  app.deps.db.on('query', (q: { sql: string }) => { const k = q.sql.slice(0, 40); counts.set(k, (counts.get(k) ?? 0) + 1); });
  t = performance.now();
  const c0 = process.cpuUsage();
  const m0 = mainCpu();
  if (process.env.STRACE === '1') { console.log('PID', process.pid); await new Promise((r) => setTimeout(r, 3000)); }
  await profiled('dbg', () => processPending(app.deps));
  const c = process.cpuUsage(c0);
  const m1 = mainCpu();
  console.log('main thread cpu ms', m1 - m0);
  console.log('process', (performance.now() - t).toFixed(0), 'ms wall; node cpu user', (c.user/1000).toFixed(0), 'sys', (c.system/1000).toFixed(0));
  console.log([...counts].sort((a, b) => b[1] - a[1]).slice(0, 20));
} finally { await cleanup.runAll(console.log); }
