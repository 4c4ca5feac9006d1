import pg from 'pg';
import { startServices } from '../scripts/services.ts';
const services = await startServices({ name: 'bench-dbg', mailboxes: [], password: 'x' });
try {
  const c = new pg.Client({ connectionString: services.env.DATABASE_URL });
  await c.connect();
  for (let r = 0; r < 3; r++) {
    const t = performance.now(); const c0 = process.cpuUsage();
    for (let i = 0; i < 5000; i++) await c.query('select $1::int as x', [i]);
    const cu = process.cpuUsage(c0);
    console.log('5000 select:', (performance.now() - t).toFixed(0), 'ms wall; cpu user', (cu.user / 1000).toFixed(0), 'sys', (cu.system / 1000).toFixed(0));
  }
  await c.end();
} finally { await services.stop(); }
