/** Progress of a report's queries, for the CLI's progress bar on long periods. */
export type Progress = (done: number, total: number, step: string) => void;

/** Runs the named queries in parallel and reports each one as it finishes. */
export async function tracked<T extends Record<string, Promise<unknown>>>(
  tasks: T, progress: Progress | undefined,
): Promise<{ [K in keyof T]: Awaited<T[K]> }> {
  const names = Object.keys(tasks) as (keyof T & string)[];
  let done = 0;
  progress?.(0, names.length, '');
  const values = await Promise.all(names.map(async (name) => {
    const v = await tasks[name];
    done += 1;
    progress?.(done, names.length, name);
    return v;
  }));
  return Object.fromEntries(names.map((n, i) => [n, values[i]])) as { [K in keyof T]: Awaited<T[K]> };
}
