/** Readable ticket references: T-000042. The number is the ticket's id. */
const REF = /\bT-(\d{6,})\b/;

export function ticketRef(id: number | bigint | string): string {
  return `T-${String(id).padStart(6, '0')}`;
}

export function parseTicketRef(text: string): number | undefined {
  const m = REF.exec(text);
  return m?.[1] === undefined ? undefined : Number(m[1]);
}

/** The tag we put in every subject, e.g. "[T-000042]". */
export function subjectTag(id: number | bigint | string): string {
  return `[${ticketRef(id)}]`;
}
