/** `tasaeed outbox retry`: failed or bounced emails go back to be sent, as the same row with the same Message-ID. */
import { requeueOutbound } from '../adapters/outbox-store.ts';
import { TasaeedError } from '../errors.ts';
import type { AppDeps } from './deps.ts';

export async function retryOutbound(deps: AppDeps, which: { ids: readonly number[] } | 'failed'): Promise<number[]> {
  const ids = await requeueOutbound(deps.db, which);
  if (which !== 'failed') {
    const missing = which.ids.filter((id) => !ids.includes(id));
    if (missing.length > 0 && ids.length === 0) {
      throw new TasaeedError('OUTBOX_NOT_RETRYABLE', `email ${missing.map(String).join(', ')}: not failed or bounced (or no such email)`);
    }
  }
  await deps.scheduler.resend(ids);
  return ids;
}
