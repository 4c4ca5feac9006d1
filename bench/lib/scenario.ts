/** The contract between the runner and a scenario. */
import type { RunningServices } from '../../scripts/services.ts';
import type { Cleanup } from './cleanup.ts';
import type { Figure } from './results.ts';

export interface BenchContext {
  /** Small sizes (the whole run under a minute) instead of the full ones. */
  quick: boolean;
  /** The bench's private PostgreSQL, Redis and Dovecot. */
  services: RunningServices;
  cleanup: Cleanup;
  /** A progress line on stderr. */
  progress(line: string): void;
}

export interface Measured {
  params: Record<string, string | number>;
  figures: Figure[];
  notes: string[];
}

export interface Scenario {
  name: string;
  title: string;
  /** Needs no services (pure CPU). */
  offline?: boolean;
  /** Runs only when named with --scenario (it takes far longer than the rest). */
  namedOnly?: boolean;
  run(ctx: BenchContext): Promise<Measured>;
}
