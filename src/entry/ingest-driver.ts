/**
 * Drives stored `pending` inbound rows through processing, one pass at a time, and never gives up on them: after
 * a transient failure it reports the outage once and tries again with capped backoff, so ingest resumes by itself
 * within seconds of PostgreSQL coming back, whether or not another email arrives.
 */
import type { ServiceHealth } from '../adapters/service-health.ts';
import type { AppDeps } from '../app/deps.ts';
import { BatchSize } from '../app/ingest-batch.ts';
import { processPending, type Outcome } from '../app/ingest-message.ts';
import { backoffDelay } from '../domain/backoff.ts';
import { isTransient } from '../errors.ts';

/** Told what each pass of stored messages became (metrics, the per-message log line). */
export type InboundObserver = (outcomes: readonly Outcome[]) => Promise<void>;

export class IngestDriver {
  /** Set by operations once its metrics exist. */
  observer: InboundObserver | undefined;
  private running: Promise<void> | undefined;
  private again = false;
  private failures = 0;
  private retry: NodeJS.Timeout | undefined;
  private readonly stopping = new AbortController();
  /** Kept across passes: a backlog arriving chunk by chunk keeps its batch size. */
  private readonly batchSize = new BatchSize();

  constructor(private readonly deps: AppDeps, private readonly health: ServiceHealth, private readonly maxDelayMs = 30_000) {}

  /** Starts a pass (or asks the running one to go round again); resolves when the passes are over. Never throws. */
  drain(): Promise<void> {
    if (this.stopping.signal.aborted) return Promise.resolve();
    if (this.running !== undefined) {
      this.again = true;
      return this.running;
    }
    const run = this.loop().finally(() => { this.running = undefined; });
    this.running = run;
    return run;
  }

  private async loop(): Promise<void> {
    do {
      this.again = false;
      try {
        const outcomes = await processPending(this.deps, this.stopping.signal, this.batchSize);
        this.failures = 0;
        if (outcomes.length > 0 && this.observer !== undefined) {
          await this.observer(outcomes).catch((err: unknown) => { this.deps.log.warn({ err }, 'could not record inbound metrics'); });
        }
        this.health.ok('postgres');
      } catch (err) {
        this.failures += 1;
        if (isTransient(err)) this.health.failed('postgres', err, 'ingest of stored messages');
        else this.deps.log.error({ err }, 'ingest pass failed');
        this.scheduleRetry();
        return;
      }
    } while (this.goAgain());
  }

  /** A notification came in during the pass (a method, so the loop condition is read fresh). */
  private goAgain(): boolean {
    return this.again && !this.stopping.signal.aborted;
  }

  private scheduleRetry(): void {
    if (this.retry !== undefined || this.stopping.signal.aborted) return;
    this.retry = setTimeout(() => {
      this.retry = undefined;
      void this.drain();
    }, backoffDelay(this.failures, 500, this.maxDelayMs));
  }

  /** Stops between two batches: the batch in its transaction finishes, the rest stays pending. */
  async stop(): Promise<void> {
    this.stopping.abort();
    if (this.retry !== undefined) clearTimeout(this.retry);
    await this.running;
  }
}
