/** Mutual exclusion: between the tasks of this process, and between processes. */
import { rm, writeFile } from 'node:fs/promises';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileText } from './files.ts';
import { isAlive } from './processes.ts';

const queues = new Map<string, Promise<unknown>>();

/** Runs tasks with the same key one after another (within this process). */
export function serialized<T>(key: string, task: () => Promise<T>): Promise<T> {
  const previous = queues.get(key) ?? Promise.resolve();
  const next = previous.then(task, task);
  const settled = next.then(
    () => undefined,
    () => undefined,
  );
  queues.set(key, settled);
  void settled.then(() => {
    if (queues.get(key) === settled) queues.delete(key);
  });
  return next;
}

/** Cross-process mutual exclusion with an O_EXCL lock file; a lock left by a dead process is taken over. */
export async function withFileLock<T>(lockPath: string, task: () => Promise<T>): Promise<T> {
  const deadline = Date.now() + 30_000;
  for (;;) {
    try {
      await writeFile(lockPath, `${String(process.pid)}\n`, { flag: 'wx', mode: 0o600 });
      break;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
      const holder = Number.parseInt(await fileText(lockPath), 10);
      if (holder > 0 && !isAlive(holder, null)) {
        await rm(lockPath, { force: true });
        continue;
      }
      if (Date.now() > deadline) throw new Error(`timed out waiting for the lock ${lockPath} (held by PID ${String(holder)})`);
      await sleep(20);
    }
  }
  try {
    return await task();
  } finally {
    await rm(lockPath, { force: true });
  }
}
