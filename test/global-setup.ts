/** Starts one private PostgreSQL + Redis + Dovecot for all integration tests and stops them (by PID) afterwards. */
import type { TestProject } from 'vitest/node';
import { startServices, type ServiceEnv } from '../scripts/services.ts';

declare module 'vitest' {
  export interface ProvidedContext {
    services: ServiceEnv;
    servicesName: string;
  }
}

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const name = `test-${process.pid}`;
  const services = await startServices({ name, mailboxes: [], password: 'pw' });
  project.provide('services', services.env);
  project.provide('servicesName', name);
  return async () => { await services.stop(); };
}
