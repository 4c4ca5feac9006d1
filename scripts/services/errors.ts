/** Errors of the private services: which service failed, and the tail of its output to act on. */

export class ServiceError extends Error {
  constructor(
    readonly service: string,
    message: string,
  ) {
    super(`${service}: ${message}`);
    this.name = 'ServiceError';
  }
}

export function messageOf(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

/** The messages of the rejected ones among settled promises. */
export function rejectionMessages(results: readonly PromiseSettledResult<unknown>[]): string[] {
  return results.flatMap((r) => (r.status === 'rejected' ? [messageOf(r.reason)] : []));
}

function lastLines(text: string, count = 15): string {
  const lines = text.trimEnd().split('\n');
  return lines.slice(-count).join('\n');
}

/** The last lines of a log or of a command's output, indented under a title, for an error message. */
export function block(title: string, text: string): string {
  const body = lastLines(text);
  return body === '' ? '' : `\n  ${title}:\n${body.replace(/^/gm, '    | ')}`;
}
