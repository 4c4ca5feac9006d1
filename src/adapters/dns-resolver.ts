/**
 * The DNS lookups of sender authentication (DMARC, DKIM keys, SPF). A static table, read from a JSON file, answers
 * first and is authoritative for its zones; everything else goes to the system resolver with a short timeout.
 * The table serves closed networks whose mail domains have no public DNS, and tests that need a known DNS input:
 *   { "zones": ["ufuq.test"], "records": { "_dmarc.ufuq.test TXT": ["v=DMARC1; p=reject"] } }
 */
import { promises as dns } from 'node:dns';
import { readFileSync } from 'node:fs';
import { z } from 'zod';

export type DnsAnswer = string[] | string[][];
export type DnsResolver = (name: string, rrtype: string) => Promise<DnsAnswer>;

const tableSchema = z.object({
  zones: z.array(z.string().min(1)).default([]),
  records: z.record(z.string(), z.array(z.string())).default({}),
}).strict();

export type DnsTable = z.output<typeof tableSchema>;

export class DnsTableError extends Error {
  readonly code = 'DNS_TABLE_INVALID';
}

function notFound(name: string, rrtype: string): Error {
  return Object.assign(new Error(`${rrtype} ${name}: no such record`), { code: 'ENOTFOUND' });
}

export function staticResolver(table: DnsTable, fallback: DnsResolver): DnsResolver {
  const zones = table.zones.map((z) => z.toLowerCase().replace(/\.$/, ''));
  const key = (name: string, type: string): string => `${name.toLowerCase().replace(/\.$/, '')} ${type.toUpperCase()}`;
  const records = new Map(Object.entries(table.records).map(([k, v]) => {
    const [name = '', type = 'TXT'] = k.trim().split(/\s+/);
    return [key(name, type), v];
  }));
  return async (name, rrtype) => {
    const host = name.toLowerCase().replace(/\.$/, '');
    const type = rrtype.toUpperCase();
    const hit = records.get(key(host, type));
    if (hit !== undefined) return type === 'TXT' ? hit.map((txt) => [txt]) : hit;
    if (zones.some((z) => host === z || host.endsWith(`.${z}`))) throw notFound(host, type);
    return await fallback(name, rrtype);
  };
}

export function systemResolver(timeoutMs = 3000): DnsResolver {
  const resolver = new dns.Resolver({ timeout: timeoutMs, tries: 2 });
  return async (name, rrtype) => await resolver.resolve(name, rrtype) as DnsAnswer;
}

export function loadDnsTable(path: string): DnsTable {
  let data: unknown;
  try {
    data = JSON.parse(readFileSync(path, 'utf8'));
  } catch (err) {
    throw new DnsTableError(`${path}: cannot read the DNS table: ${err instanceof Error ? err.message : String(err)}`);
  }
  const parsed = tableSchema.safeParse(data);
  if (!parsed.success) {
    throw new DnsTableError(`${path}: not a DNS table: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`);
  }
  return parsed.data;
}

/** The resolver for sender authentication: the static table when a file is configured, then the system's. */
export function createResolver(tableFile?: string): DnsResolver {
  const system = systemResolver();
  return tableFile === undefined || tableFile === '' ? system : staticResolver(loadDnsTable(tableFile), system);
}
