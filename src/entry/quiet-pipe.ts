/**
 * `tasaeed ticket show T-000001 | head`: when the reader of our output goes away, the command finishes its work
 * quietly instead of dying on an unhandled EPIPE. Later writes to that stream are dropped; nobody reads them.
 */
import type { Writable } from 'node:stream';

export function endQuietlyWhenPipeCloses(streams: readonly Writable[] = [process.stdout, process.stderr]): void {
  for (const stream of streams) {
    stream.on('error', (err: NodeJS.ErrnoException) => {
      if (err.code !== 'EPIPE') throw err;
      stream.write = (): boolean => true;
    });
  }
}
