/** A one-line progress bar on stderr, only when stderr is a terminal (never in logs or pipes). */
import type { Progress } from '../app/report-progress.ts';

const WIDTH = 24;

export function progressBar(label: string, stream: NodeJS.WriteStream = process.stderr): { progress?: Progress; done(): void } {
  if (!stream.isTTY) return { done: () => undefined };
  const started = Date.now();
  return {
    progress: (done, total, step) => {
      const filled = total === 0 ? WIDTH : Math.round((done / total) * WIDTH);
      const seconds = ((Date.now() - started) / 1000).toFixed(1);
      stream.write(`\r\x1b[2K${label} [${'█'.repeat(filled)}${'░'.repeat(WIDTH - filled)}] ${done}/${total} ${step} ${seconds}s`);
    },
    done: () => { stream.write('\r\x1b[2K'); },
  };
}
