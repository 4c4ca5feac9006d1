/**
 * A minimal HTTP server for the desk on HTTP_HOST:HTTP_PORT, until the operations server (src/entry/http) takes
 * the plugin; `tasaeed start` calls this in one place.
 */
import Fastify, { type FastifyInstance } from 'fastify';
import type { SendDeps } from '../../app/send-outbound.ts';
import { deskPlugin } from './plugin.ts';

export interface DeskServer {
  url: string;
  close(): Promise<void>;
}

export function deskBaseUrl(o: { deskUrl: string | undefined; host: string; port: number }): string {
  return (o.deskUrl ?? `http://${o.host.includes(':') ? `[${o.host}]` : o.host}:${o.port}`).replace(/\/+$/, '');
}

export async function serveDesk(deps: SendDeps, o: { host: string; port: number; deskUrl: string | undefined }): Promise<DeskServer> {
  const app: FastifyInstance = Fastify({ logger: false, trustProxy: o.deskUrl?.startsWith('https:') === true });
  await app.register(deskPlugin, { deps, baseUrl: deskBaseUrl(o) });
  const url = await app.listen({ host: o.host, port: o.port });
  deps.log.info({ url }, 'desk listening');
  return { url, close: async () => { await app.close(); } };
}
