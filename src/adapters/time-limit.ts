/** A promise that rejects when `p` has not settled within `ms` (a service that hangs counts as failed). */
export function within<T>(ms: number, what: string, p: Promise<T>): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(() => { reject(new Error(`${what} did not answer within ${ms} ms`)); }, ms);
  });
  return Promise.race([p, late]).finally(() => { clearTimeout(timer); });
}
