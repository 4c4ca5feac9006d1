/**
 * `npm run bench [-- --quick] [--scenario <name>…] [--json] [--no-write] [--fsync-off]`
 *
 * Starts private PostgreSQL, Redis and Dovecot, runs each scenario against its own tasaeed installation, prints a
 * table per scenario (or one JSON object per scenario with --json), stops everything it started — also on Ctrl-C —
 * and, after a full-size run, regenerates BENCHMARKS.md. PostgreSQL is durable (fsync, synchronous_commit and
 * full_page_writes on) unless --fsync-off asks for the comparison, which is labelled as such and never written.
 */
import { rmSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { startServices, type RunningServices } from '../scripts/services.ts';
import { writeBenchmarks } from './lib/benchmarks-md.ts';
import { Cleanup } from './lib/cleanup.ts';
import { LOGS, MAIL_PASSWORD } from './lib/installation.ts';
import { machine } from './lib/machine.ts';
import { met, num, scenarioJson, scenarioText, type ScenarioResult } from './lib/results.ts';
import type { BenchContext, Scenario } from './lib/scenario.ts';
import { ingest } from './scenarios/ingest.ts';
import { latency } from './scenarios/latency.ts';
import { drain } from './scenarios/drain.ts';
import { timers } from './scenarios/timers.ts';
import { reports } from './scenarios/reports.ts';
import { classify } from './scenarios/classify.ts';
import { bigmail } from './scenarios/bigmail.ts';
import { desk } from './scenarios/desk.ts';
import { operations } from './scenarios/operations.ts';
import { smtpOutage } from './scenarios/smtp-outage.ts';

const SCENARIOS: readonly Scenario[] = [ingest, latency, drain, timers, reports, classify, bigmail, operations, desk, smtpOutage];

const USAGE = `usage: npm run bench -- [--quick] [--scenario <name>]... [--json] [--no-write]
  --quick        small sizes (the whole run in under a minute); never writes BENCHMARKS.md
  --scenario     run only these: ${SCENARIOS.map((s) => s.name).join(', ')} (${SCENARIOS.filter((s) => s.namedOnly === true).map((s) => s.name).join(', ')} only when named)
  --json         print one JSON object per scenario on stdout (tables go to stderr)
  --no-write     do not update bench/results.json and BENCHMARKS.md after a full-size run
  --fsync-off    PostgreSQL without fsync/synchronous_commit (a labelled comparison; never written to BENCHMARKS.md)`;

async function main(): Promise<number> {
  const { values } = parseArgs({
    options: {
      quick: { type: 'boolean', default: false }, json: { type: 'boolean', default: false },
      scenario: { type: 'string', multiple: true }, 'no-write': { type: 'boolean', default: false },
      help: { type: 'boolean', default: false }, 'fsync-off': { type: 'boolean', default: false },
    },
  });
  if (values.help) { process.stdout.write(`${USAGE}\n`); return 0; }
  const wanted = values.scenario ?? SCENARIOS.filter((s) => s.namedOnly !== true).map((s) => s.name);
  const unknown = wanted.filter((w) => !SCENARIOS.some((s) => s.name === w));
  if (unknown.length > 0) { process.stderr.write(`unknown scenario: ${unknown.join(', ')}\n${USAGE}\n`); return 2; }
  const selected = SCENARIOS.filter((s) => wanted.includes(s.name));
  const quick = values.quick;
  const postgres = values['fsync-off'] ? 'fsync off' : 'durable';
  const out = (text: string): void => { (values.json ? process.stderr : process.stdout).write(`${text}\n`); };
  const progress = (line: string): void => { process.stderr.write(`[bench ${new Date().toISOString().slice(11, 19)}] ${line}\n`); };

  const cleanup = new Cleanup();
  let interrupted = false;
  const onSignal = (signal: NodeJS.Signals): void => {
    if (interrupted) return;
    interrupted = true;
    progress(`${signal}: stopping what the bench started`);
    void cleanup.runAll(progress).finally(() => process.exit(130));
  };
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);

  rmSync(LOGS, { recursive: true, force: true });
  const results: ScenarioResult[] = [];
  const m = machine();
  try {
    let services: RunningServices | undefined;
    if (selected.some((s) => s.offline !== true)) {
      progress(`starting private PostgreSQL (${postgres}), Redis and Dovecot`);
      services = await startServices({ name: `bench-${process.pid}`, mailboxes: [], password: MAIL_PASSWORD, durable: postgres === 'durable' });
      const running = services;
      cleanup.add('private services', () => running.stop());
    }
    for (const s of selected) {
      progress(`${s.name}: ${s.title}`);
      const ctx: BenchContext = { quick, services: services as RunningServices, cleanup, progress };
      const t0 = performance.now();
      const measured = await s.run(ctx);
      const result: ScenarioResult = {
        scenario: s.name, title: s.title, mode: quick ? 'quick' : 'full', date: new Date().toISOString(), machine: m,
        ...(s.offline === true ? {} : { postgres }),
        ...measured, elapsedMs: performance.now() - t0,
      };
      results.push(result);
      out(scenarioText(result));
      if (values.json) process.stdout.write(`${JSON.stringify(scenarioJson(result))}\n`);
    }
  } finally {
    await cleanup.runAll(progress);
  }
  const goals = results.flatMap((r) => r.figures.filter((f) => met(f) !== undefined));
  const missed = goals.filter((f) => met(f) === false);
  out(`${num(goals.length - missed.length)} of ${num(goals.length)} goals met${missed.length > 0 ? `; missed: ${missed.map((f) => f.label).join('; ')}` : ''}`);
  if (!quick && !values['no-write'] && postgres === 'durable' && results.length > 0) {
    progress(`wrote ${writeBenchmarks(results, SCENARIOS.map((s) => s.name))}`);
  }
  return 0;
}

// Exit explicitly: everything the bench started is stopped by now, and a forgotten handle must not hang the run.
main().then((code) => { process.exit(code); }, (err: unknown) => {
  process.stderr.write(`bench failed: ${err instanceof Error ? err.stack ?? err.message : String(err)}\n`);
  process.exit(1);
});
