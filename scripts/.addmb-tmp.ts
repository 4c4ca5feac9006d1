import { readFileSync } from 'node:fs';
import { startServices } from '/work/main/scripts/services.ts';
const s = await startServices({ name: 'addmb', mailboxes: ['a@example.test'], password: 'pw' });
for (let i = 0; i < 5; i++) {
  const t = performance.now();
  await s.addMailboxes([`u${i}@example.test`]);
  console.log('addMailboxes', i, Math.round(performance.now() - t), 'ms');
}
console.log(readFileSync(`${s.dir}/dovecot.log`, 'utf8').split('\n').filter(l => /auth|unknown|fail/i.test(l)).join('\n'));
await s.stop();
