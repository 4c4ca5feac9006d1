/**
 * `npm run quickstart`: private services, the example Arabic organisation with a ladder in minutes, tasaeed
 * running, sample escalation emails, and — within about two minutes — tickets, the head's copy, a resolution by
 * reply, an escalation to the General Manager and a daily report. Then it keeps running; Ctrl-C stops everything.
 */
import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import type { ParsedMail } from 'mailparser';
import nodemailer from 'nodemailer';
import { parse, stringify } from 'yaml';
import { loadConfig } from '../src/adapters/config.ts';
import { createLogger } from '../src/adapters/logger.ts';
import { printableSignInLink } from '../src/app/desk-sign-in.ts';
import { sendReport } from '../src/app/report-run.ts';
import { addDays, localDate } from '../src/domain/dates.ts';
import { periodOf } from '../src/domain/report-period.ts';
import { validatePolicy } from '../src/domain/policy.ts';
import { startApp } from '../src/entry/main.ts';
import { readMailbox } from './read-mailbox.ts';
import { readRunningServices, startServices, type RunningServices } from './services.ts';
import { freePort } from './services/ports.ts';

const NAME = 'quickstart';
const PASSWORD = 'demo';
const t0 = Date.now();
const elapsed = (): string => `${((Date.now() - t0) / 1000).toFixed(1)}s`;
const say = (text: string): void => { console.log(`[${elapsed()}] ${text}`); };

const example = parse(readFileSync('examples/policy.yaml', 'utf8')) as Record<string, unknown>;
// The demo ladder runs in minutes so that the whole policy can be watched: 1 minute, then the General Manager.
const demo = {
  ...example,
  ladder: [
    { after: '1m', notify: ['general_manager', 'core'], name: { ar: 'المدير العام', en: 'General Manager' } },
    { after: '2m', notify: ['customer_service_manager', 'general_manager'] },
  ],
  reminders: { at_percent: [50, 100], business_hours_only: false },
  customer_updates: { every: '45s', clock: 'calendar' },
};
const CUSTOMER = 'customer@nukhba.test';
const policy = validatePolicy(demo, 'demo policy');
const core = policy.core.mailbox;
const people = [core, ...policy.people.map((p) => p.email), CUSTOMER];

say('starting private PostgreSQL, Redis and Dovecot (installing them with apt-get if missing)…');
const services: RunningServices = (await readRunningServices(NAME)) ?? await startServices({ name: NAME, mailboxes: people, password: PASSWORD });
await services.addMailboxes(people);
const env = services.env;
const policyFile = join(services.dir, 'policy.demo.yaml');
writeFileSync(policyFile, `# written by npm run quickstart: examples/policy.yaml with a 1-minute ladder\n${stringify(demo)}`);
const vars: Record<string, string> = {
  DATABASE_URL: env.DATABASE_URL, REDIS_URL: env.REDIS_URL, POLICY_FILE: policyFile,
  REPLY_SECRET: 'quickstart-demo-secret-not-for-production-use-0001',
  IMAP_HOST: env.IMAP_HOST, IMAP_PORT: env.IMAP_PORT, IMAP_SECURE: 'false', IMAP_USER: core, IMAP_PASSWORD: PASSWORD,
  SMTP_HOST: '127.0.0.1', SMTP_PORT: env.LMTP_PORT, SMTP_LMTP: 'true', QUEUE_PREFIX: 'quickstart', RECONCILE_EVERY: '10s',
};
const deskPort = await freePort();
vars.HTTP_PORT = String(deskPort);
vars.DESK_URL = `http://127.0.0.1:${deskPort}`;
const envText = `${Object.entries(vars).map(([k, v]) => `${k}=${v}`).join('\n')}\n`;
writeFileSync(join(services.dir, 'env'), envText);
const wroteDotEnv = !existsSync('.env');
if (wroteDotEnv) writeFileSync('.env', `# written by npm run quickstart (delete it to use your own settings)\n${envText}`);
Object.assign(process.env, vars);

const config = loadConfig();
const app = await startApp(config, { log: createLogger('warn') });
say('tasaeed is running: listening to the Core mailbox with IMAP IDLE');

const lmtp = nodemailer.createTransport({ host: '127.0.0.1', port: Number(env.LMTP_PORT), lmtp: true, ignoreTLS: true });
const at = (local: string): string => `${local}@${policy.organisation.domain}`;
const samples = [
  { from: at('clerk.ops'), to: `core+operations@${policy.organisation.domain}`, subject: 'تأخر شحنة العميل رقم 5521 لأكثر من أسبوع',
    text: `السلام عليكم،\nالعميل شركة النخبة يشتكي من تأخر الشحنة رقم 5521 لأكثر من أسبوع، ويطلب موعداً مؤكداً للتسليم.\nبريد العميل: ${CUSTOMER}\nرغبة العميل: التسليم قبل نهاية الأسبوع\nنرجو التصعيد.` },
  { from: at('agent.cs'), to: core, subject: '[المالية] فاتورة مكررة على حساب العميل 88',
    text: 'صدرت فاتورتان بالرقم نفسه على حساب العميل 88، والعميل يطالب بالاسترداد.' },
  { from: at('agent.cs'), to: core, subject: 'تعطل بوابة العملاء منذ الصباح',
    text: 'بوابة العملاء لا تفتح منذ الساعة الثامنة صباحاً، وكلمة المرور لا تُقبل لعدد من العملاء.' },
  { from: at('agent.cs'), to: core, subject: 'طلب عاجل من عميل كبير', text: 'عميل كبير يطلب مقابلة المدير بخصوص العقد.' },
];
for (const s of samples) await lmtp.sendMail(s);
say(`sent ${samples.length} sample Arabic escalation emails to ${core}`);

const db = app.deps.db;
type Row = { id: number; ref: string; status: string; level: number; department_key: string | null; subject: string };
const tickets = async (): Promise<Row[]> => await db('tickets').orderBy('id').select('id', 'ref', 'status', 'level', 'department_key', 'subject') as Row[];
async function until<T>(what: string, fn: () => Promise<T | undefined>, ms = 150_000): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = await fn();
    if (v !== undefined) return v;
    if (Date.now() > end) throw new Error(`quickstart: timed out waiting for ${what}`);
    await sleep(200);
  }
}
const inbox = async (user: string): Promise<ParsedMail[]> =>
  await readMailbox({ host: env.IMAP_HOST, port: Number(env.IMAP_PORT), user, password: PASSWORD });
const showTickets = async (): Promise<void> => {
  for (const t of await tickets()) console.log(`    ${t.ref}  ${t.status.padEnd(8)} level ${t.level}  ${(t.department_key ?? '(triage)').padEnd(16)} ${t.subject}`);
};

const all = await until('the sample tickets', async () => { const t = await tickets(); return t.length >= samples.length ? t : undefined; });
say(`first ticket ${all[0]?.ref ?? ''} committed; ${all.length} tickets:`);
await showTickets();

const finance = all.find((t) => t.department_key === 'finance');
const headFin = at('head.finance');
const copy = await until('the copy in the finance head\'s mailbox', async () => (await inbox(headFin)).find((m) => (m.subject ?? '').includes(finance?.ref ?? '?')));
say(`copy delivered to ${headFin}: "${copy.subject ?? ''}" (Reply-To ${copy.replyTo?.value[0]?.address ?? ''})`);

await lmtp.sendMail({
  from: headFin, to: copy.replyTo?.value[0]?.address ?? core, subject: `RE: ${copy.subject ?? ''}`,
  inReplyTo: copy.messageId, references: [copy.messageId ?? ''],
  text: '#حل\nالسبب: خلل في ربط نظام الفوترة أصدر الفاتورة مرتين.\nالإجراء الوقائي: قيد فريد على رقم الطلب ومراجعة يومية للفواتير المكررة.\n\nمن: الكور\nأُرسلت: اليوم',
});
say(`${headFin} replied "#حل" with a root cause and a preventive measure…`);
await until('the resolution', async () => ((await tickets()).find((t) => t.id === finance?.id)?.status === 'resolved' ? true : undefined));
say(`${finance?.ref ?? ''} resolved by reply; its escalation timer is void`);

const gm = policy.roles.general_manager;
say('waiting for the 1-minute deadline of the open tickets to pass…');
const escalation = await until('the escalation to the General Manager', async () => (await inbox(gm)).find((m) => /تصعيد/.test(m.subject ?? '')));
say(`escalated to the General Manager (${gm}): "${escalation.subject ?? ''}"`);

const updates = (await inbox(CUSTOMER)).filter((m) => /تحديث/.test(m.subject ?? '')).length;
say(`the customer (${CUSTOMER}) has had ${updates} progress update(s) on ${all[0]?.ref ?? ''}; the owner got reminders before the deadline`);

// Yesterday's daily report: its list of open tickets is as of now, so it shows the demo's tickets.
const report = await sendReport(app.deps, 'daily', periodOf('day', addDays(localDate(new Date(), policy.timezone), -1)));
const desk = policy.core.members[0] ?? '';
if (report.sent) {
  const r = await until('the daily report', async () => (await inbox(desk)).find((m) => /التقرير اليومي/.test(m.subject ?? '')));
  say(`daily report delivered to the Core group (${desk}): "${r.subject ?? ''}"`);
} else {
  say(report.reason);
}
await showTickets();
const deskMember = policy.core.members[0] ?? core;
const deskLink = await printableSignInLink(app.deps, deskMember, vars.DESK_URL);

console.log(`
tasaeed keeps running (Ctrl-C stops it and the private services). To look around, in another terminal:

  npx tasaeed tickets list                 ${wroteDotEnv ? '(settings are in .env, written by the quickstart)' : `(first: set -a; . ${join(services.dir, 'env')}; set +a)`}
  npx tasaeed ticket show ${all[0]?.ref ?? 'T-000001'}
  npx tasaeed report daily --out out/       (HTML, text and CSV of the latest daily report; also weekly, monthly, departments)

Mailboxes (IMAP ${env.IMAP_HOST}:${env.IMAP_PORT}, no TLS, password "${PASSWORD}") — open them in any mail client:
${people.map((p) => `  ${p}`).join('\n')}
The web desk: ${vars.DESK_URL} — sign in as ${deskMember} with this one-time link (15 minutes):
  ${deskLink ?? ''}
  (another: npx tasaeed desk link <email>; or ask for one on the sign-in page and read it in that mailbox)
Send an escalation: deliver mail to ${core} over LMTP at 127.0.0.1:${env.LMTP_PORT}, or APPEND it to its INBOX.
`);

let stopping = false;
const stop = async (): Promise<void> => {
  if (stopping) return;
  stopping = true;
  console.log('\nstopping tasaeed and the private services…');
  lmtp.close();
  await app.close();
  await services.stop();
  if (wroteDotEnv) rmSync('.env', { force: true });
  process.exit(0);
};
process.on('SIGINT', () => { void stop(); });
process.on('SIGTERM', () => { void stop(); });
if (process.env.QUICKSTART_EXIT === '1') await stop();
