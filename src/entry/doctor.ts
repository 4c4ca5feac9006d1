/**
 * `tasaeed doctor [--json]`: every setting and service checked in order — configuration and policy, PostgreSQL,
 * Redis, IMAP, SMTP, a round trip through the configured reply-address mode, DNS — each printed ok or failed with
 * the setting to fix. Exit code 0 only when every check passes. Built on the start-up probes; never prints a secret
 * (the probes show host:port, never URLs or credentials).
 */
import type { Command } from 'commander';
import { loadConfig, type Config } from '../adapters/config.ts';
import { createResolver } from '../adapters/dns-resolver.ts';
import { domainAuthRecords, mailRoundTrip, redisEvictionPolicy } from '../adapters/doctor-checks.ts';
import { imapConnector, insecureTlsWarnings, smtpTransportOptions } from '../adapters/mail-connection.ts';
import { smtpAuthOf } from '../adapters/mail-auth-config.ts';
import { mailTokens } from '../adapters/oauth/token-provider.ts';
import { loadPolicyFile } from '../adapters/policy-file.ts';
import { probeImap, probePostgres, probeRedis, probeSmtp } from '../adapters/service-probes.ts';
import type { Policy } from '../domain/policy.ts';
import { TasaeedError, type ErrorCode } from '../errors.ts';
import { within } from './startup-checks.ts';

export interface CheckResult {
  check: string;
  title: { ar: string; en: string };
  status: 'ok' | 'failed' | 'skipped';
  detail: string;
  /** The setting to fix (failed checks). */
  setting?: string | undefined;
  code?: ErrorCode | undefined;
  hint?: string | undefined;
  warnings?: string[] | undefined;
}

const TITLES = {
  config: { ar: 'الإعدادات', en: 'configuration' },
  policy: { ar: 'ملف السياسة', en: 'policy' },
  postgres: { ar: 'قاعدة البيانات', en: 'PostgreSQL' },
  redis: { ar: 'طوابير المهام', en: 'Redis' },
  imap: { ar: 'صندوق الكور (IMAP)', en: 'IMAP' },
  smtp: { ar: 'الإرسال (SMTP)', en: 'SMTP' },
  round_trip: { ar: 'رسالة تجريبية ذهاباً وإياباً', en: 'round trip' },
  dns: { ar: 'سجلات DMARC وSPF', en: 'DNS' },
} as const;
type CheckName = keyof typeof TITLES;

const ok = (check: CheckName, detail: string, warnings: string[] = []): CheckResult =>
  ({ check, title: TITLES[check], status: 'ok', detail, ...(warnings.length === 0 ? {} : { warnings }) });
const skipped = (check: CheckName, why: string): CheckResult => ({ check, title: TITLES[check], status: 'skipped', detail: why });

/** A failed check from what was thrown: its message, the setting it names, its code and hint. */
function failed(check: CheckName, err: unknown, fallbackSetting: string): CheckResult {
  if (!(err instanceof TasaeedError)) {
    return { check, title: TITLES[check], status: 'failed', detail: err instanceof Error ? err.message : String(err), setting: fallbackSetting };
  }
  // a configuration error lists every bad setting; the first one is the one to start with
  const listed = /^\s+- ([A-Z][A-Z0-9_]*):/m.exec(err.message)?.[1];
  return { check, title: TITLES[check], status: 'failed', detail: err.message, setting: err.setting ?? listed ?? fallbackSetting, code: err.code, hint: err.hint };
}

async function attempt(check: CheckName, setting: string, task: () => Promise<CheckResult>): Promise<CheckResult> {
  try {
    return await task();
  } catch (err) {
    return failed(check, err, setting);
  }
}

function configDetail(c: Config): string {
  return `IMAP_AUTH=${c.IMAP_AUTH}, SMTP_AUTH=${smtpAuthOf(c)}${c.OAUTH_PROVIDER === undefined ? '' : `, OAUTH_PROVIDER=${c.OAUTH_PROVIDER}`}, REPLY_ADDRESS=${c.REPLY_ADDRESS}, INBOUND_AUTH=${c.INBOUND_AUTH}`;
}

/** The round trip's recipient: a plus address of the Core mailbox when replies rely on plus addressing. */
function roundTripAddress(c: Config, policy: Policy): string {
  const [local = '', domain = ''] = policy.core.mailbox.split('@');
  return c.REPLY_ADDRESS === 'plus' ? `${local}+doctor@${domain}` : policy.core.mailbox;
}

export async function runDoctor(env: NodeJS.ProcessEnv = process.env): Promise<CheckResult[]> {
  let config: Config;
  try {
    config = loadConfig(env);
  } catch (err) {
    const rest = (Object.keys(TITLES) as CheckName[]).slice(1).map((c) => skipped(c, 'needs a valid configuration'));
    return [failed('config', err, 'POLICY_FILE'), ...rest];
  }
  const c = config;
  const results: CheckResult[] = [ok('config', configDetail(c), insecureTlsWarnings(c))];
  let policy: Policy | undefined;
  results.push(await attempt('policy', 'POLICY_FILE', async () => {
    policy = await loadPolicyFile(c.POLICY_FILE);
    const aliases = policy.core.aliases.length === 0 ? '' : ` (aliases ${policy.core.aliases.join(', ')})`;
    return ok('policy', `${c.POLICY_FILE}: Core ${policy.core.mailbox}${aliases}, ${String(policy.departments.length)} departments, ${String(policy.people.length)} people`);
  }));
  const ms = c.STARTUP_TIMEOUT;
  const inner = Math.max(1000, ms - 500);
  results.push(await attempt('postgres', 'DATABASE_URL', async () => {
    const r = await within(ms, 'DATABASE_URL', 'PostgreSQL', probePostgres(c, inner));
    const major = Number(/PostgreSQL (\d+)/.exec(r.detail)?.[1] ?? '0');
    if (major < 15) throw new TasaeedError('CONFIG_INVALID', `DATABASE_URL: ${r.detail} is older than PostgreSQL 15`, { setting: 'DATABASE_URL', hint: 'tasaeed needs PostgreSQL 15 or newer' });
    return ok('postgres', r.detail);
  }));
  results.push(await attempt('redis', 'REDIS_URL', async () => {
    const r = await within(ms, 'REDIS_URL', 'Redis', probeRedis(c, inner));
    const policyName = await within(ms, 'REDIS_URL', 'Redis', redisEvictionPolicy(c.REDIS_URL, inner));
    if (policyName !== 'noeviction') {
      throw new TasaeedError('CONFIG_INVALID', `REDIS_URL: ${r.detail} has maxmemory-policy ${policyName}; queued jobs could be evicted`, {
        setting: 'REDIS_URL', hint: 'set `maxmemory-policy noeviction` in redis.conf (or CONFIG SET maxmemory-policy noeviction)',
      });
    }
    return ok('redis', `${r.detail}, maxmemory-policy noeviction`);
  }));
  const tokens = mailTokens(c);
  const imap = imapConnector(c, tokens);
  const smtp = smtpTransportOptions(c, tokens);
  results.push(await attempt('imap', 'IMAP_HOST', async () => {
    const r = await within(ms, 'IMAP_HOST', 'the IMAP server', probeImap({ connection: imap, mailbox: c.IMAP_MAILBOX }, inner));
    if (r.concerns !== undefined) {
      throw new TasaeedError('CONFIG_INVALID', `IMAP_HOST: ${r.detail}: ${r.concerns.join('; ')}`, { setting: 'IMAP_HOST', hint: 'tasaeed needs an IMAP server with IDLE and UIDPLUS (Dovecot, Exchange Online, Gmail all have both)' });
    }
    return ok('imap', `${r.detail}; IDLE and UIDPLUS`);
  }));
  results.push(await attempt('smtp', 'SMTP_HOST', async () => ok('smtp', (await within(ms, 'SMTP_HOST', 'the SMTP server', probeSmtp(smtp, inner))).detail)));
  const mailReady = policy !== undefined && results.every((r) => r.check !== 'imap' && r.check !== 'smtp' || r.status === 'ok');
  if (!mailReady || policy === undefined) {
    results.push(skipped('round_trip', 'needs the policy, IMAP and SMTP'));
  } else {
    const p = policy;
    const to = roundTripAddress(c, p);
    const setting = c.REPLY_ADDRESS === 'plus' ? 'REPLY_ADDRESS' : 'IMAP_MAILBOX';
    results.push(await attempt('round_trip', setting, async () => {
      const took = await mailRoundTrip({ smtp, imap, mailbox: c.IMAP_MAILBOX, core: p.core.mailbox, to, setting, timeoutMs: Math.max(ms, 5000) });
      return ok('round_trip', `a test message to ${to} arrived in ${c.IMAP_MAILBOX} after ${String(took)} ms and was removed`);
    }));
  }
  if (c.INBOUND_AUTH === 'off') {
    results.push(skipped('dns', 'INBOUND_AUTH=off'));
  } else {
    const domain = (policy?.core.mailbox ?? c.IMAP_USER).split('@')[1] ?? '';
    results.push(await attempt('dns', 'INBOUND_AUTH', async () => ok('dns', await within(ms, 'INBOUND_AUTH', 'DNS', domainAuthRecords(createResolver(c.INBOUND_AUTH_DNS_FILE), domain)))));
  }
  return results;
}

const MARK = { ok: 'ok     ', failed: 'FAILED ', skipped: 'skipped' } as const;

export function printDoctor(results: readonly CheckResult[]): void {
  for (const r of results) {
    console.log(`${MARK[r.status]}  ${r.title.en} (${r.title.ar}): ${r.detail.replace(/\n/g, '\n           ')}`);
    for (const w of r.warnings ?? []) console.log(`           warning: ${w}`);
    if (r.status === 'failed') console.log(`           fix ${r.setting ?? ''}${r.hint === undefined ? '' : `: ${r.hint}`}`);
  }
  const bad = results.filter((r) => r.status === 'failed').length;
  console.log(bad === 0 ? `\nall ${String(results.length)} checks passed (نجحت كل الفحوص)` : `\n${String(bad)} of ${String(results.length)} checks failed (فشل ${String(bad)} من ${String(results.length)})`);
}

export function registerDoctorCommand(program: Command): void {
  program.command('doctor').description('check every setting and service, in order, and say what to fix (exit 1 when any check fails)')
    .option('--json', 'print one JSON object per check')
    .action(async (o: { json?: boolean }) => {
      const results = await runDoctor();
      if (o.json === true) console.log(JSON.stringify(results, null, 2));
      else printDoctor(results);
      process.exitCode = results.some((r) => r.status === 'failed') ? 1 : 0;
    });
}
