/** `tasaeed report <daily|weekly|monthly|departments>`: preview a report (files or the text part) or send it once. */
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Argument, type Command } from 'commander';
import { buildReport } from '../app/build-report.ts';
import { sendReport } from '../app/report-run.ts';
import { CSV_BOM } from '../domain/csv.ts';
import { reportPlan } from '../domain/report-plan.ts';
import { latestDuePeriod, parsePeriod, REPORT_KINDS, type ReportKind } from '../domain/report-period.ts';
import type { App } from './main.ts';
import { progressBar } from './progress-bar.ts';

type WithApp = <T>(fn: (app: App) => Promise<T>) => Promise<T>;

interface Options { period?: string; out?: string; lang?: string; department?: string; send?: boolean }

export function registerReportCommand(program: Command, withApp: WithApp): void {
  program.command('report').description('preview (--out) or send (--send) a report, once per period')
    .addArgument(new Argument('<kind>', 'which report').choices(REPORT_KINDS))
    .option('--period <period>', 'a day (YYYY-MM-DD), a week (any of its days), a month (YYYY-MM) or months (YYYY-MM..YYYY-MM); default: the latest period that is due')
    .option('--out <dir>', 'write the HTML, text and CSV (UTF-8 with BOM) here; nothing is sent')
    .option('--lang <ar|en>', 'language of the preview (default: the policy\'s)')
    .option('--department <key>', 'preview the monthly report as the head of this department gets it')
    .option('--send', 'send it to its recipients; a period is sent only once')
    .action(async (kind: ReportKind, o: Options) => {
      await withApp(async (app) => {
        const { deps } = app;
        const plan = reportPlan(deps.policy, kind);
        const period = o.period === undefined
          ? latestDuePeriod(plan.cadence, plan.schedule, deps.clock.now(), deps.policy.timezone)
          : parsePeriod(plan.cadence, o.period);
        if (o.department !== undefined && deps.directory.department(o.department) === undefined) {
          throw new Error(`--department: no department "${o.department}" in the policy (${deps.policy.departments.map((d) => d.key).join(', ')})`);
        }
        if (o.out !== undefined || o.send !== true) {
          const locale = o.lang === 'en' || o.lang === 'ar' ? o.lang : deps.policy.locale;
          const bar = progressBar(`${kind} ${period.key}`);
          const built = await buildReport(deps, kind, period, {
            locale, asOf: deps.clock.now(), heads: o.department === undefined ? [] : [o.department], ...(bar.progress ? { progress: bar.progress } : {}),
          });
          bar.done();
          if (o.out === undefined) {
            console.log(`${built.email.subject}\n\n${built.email.text}`);
          } else {
            const base = join(o.out, `${kind}-${period.key}.${locale}`);
            await mkdir(o.out, { recursive: true });
            await writeFile(`${base}.html`, built.email.html);
            await writeFile(`${base}.txt`, built.email.text);
            await writeFile(join(o.out, built.model.csvName), CSV_BOM + built.model.csv);
            console.log(`wrote ${base}.html, ${base}.txt and ${join(o.out, built.model.csvName)}`);
          }
        }
        if (o.send === true) {
          const r = await sendReport(deps, kind, period);
          console.log(r.sent
            ? `${kind} report for ${period.key} queued to ${r.outboxIds.length} recipient(s)${r.late ? ' (marked late)' : ''}`
            : r.reason);
        }
      });
    });
}
