/**
 * Before `tasaeed start` serves anything: every service is reached once, all at the same time, each within
 * STARTUP_TIMEOUT. Every failure is reported in one go, each line naming the setting and the service, and the
 * daemon exits non-zero instead of retrying for ever with workers running.
 */
import { imapOptions, smtpOptions } from '../adapters/mail-options.ts';
import { probeImap, probePostgres, probeRedis, probeSmtp, type ProbeResult } from '../adapters/service-probes.ts';
import type { Config } from '../adapters/config.ts';
import { mailTokens } from '../adapters/oauth/token-provider.ts';
import { TasaeedError, describeError } from '../errors.ts';

export function within<T>(ms: number, setting: string, service: string, task: Promise<T>): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      reject(new TasaeedError('STARTUP_TIMEOUT', `${setting}: no answer from ${service} within ${String(Math.round(ms / 1000))} s`, { setting }));
    }, ms);
  });
  return Promise.race([task, late]).finally(() => { clearTimeout(timer); });
}

export async function checkServices(config: Config): Promise<ProbeResult[]> {
  const ms = config.STARTUP_TIMEOUT;
  // Each probe has its own connect time-outs below the overall bound; the bound catches a server that accepts and then says nothing.
  const inner = Math.max(1000, ms - 500);
  // IMAP and SMTP share one token cache: one token request, and one refusal reported once
  const tokens = mailTokens(config);
  const results = await Promise.allSettled([
    within(ms, 'DATABASE_URL', 'PostgreSQL', probePostgres(config, inner)),
    within(ms, 'REDIS_URL', 'Redis', probeRedis(config, inner)),
    within(ms, 'IMAP_HOST', 'the IMAP server', probeImap(imapOptions(config, tokens), inner)),
    within(ms, 'SMTP_HOST', 'the SMTP server', probeSmtp(smtpOptions(config, tokens), inner)),
  ]);
  const failures = [...new Set(results.flatMap((r) => (r.status === 'rejected' ? [r.reason as unknown] : [])))];
  if (failures.length > 0) {
    throw new TasaeedError('STARTUP_FAILED', `cannot start:\n${failures.map((f) => `  - ${describeError(f).replace(/\n/g, '\n    ')}`).join('\n')}`,
      { cause: failures[0] });
  }
  return results.flatMap((r) => (r.status === 'fulfilled' ? [r.value] : []));
}
