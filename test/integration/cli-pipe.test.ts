/**
 * Defect 7: `tasaeed … | head` closes our stdout early; every command must still end quietly (exit 0, no EPIPE
 * stack). The reading end is closed before the command writes anything, so every write it makes hits a closed pipe.
 */
import { spawn } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Installation } from '../support/harness.ts';

async function runWithClosedStdout(args: readonly string[], env: Record<string, string> = {}): Promise<{ code: number | null; stderr: string }> {
  const child = spawn(process.execPath, ['bin/tasaeed.mjs', ...args], { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  child.stdout.destroy();
  let stderr = '';
  child.stderr.setEncoding('utf8').on('data', (c: string) => { stderr += c; });
  const code = await new Promise<number | null>((r) => child.once('close', r));
  return { code, stderr };
}

describe('a command whose output pipe closes', () => {
  let inst: Installation;
  beforeAll(async () => {
    inst = await Installation.create('pipe', [{ after: '24h', notify: ['general_manager'] }]);
    expect((await inst.cli(['migrate'])).code).toBe(0);
    const [{ id }] = await inst.db('tickets').insert({
      subject: 'تأخر شحنة', description: 'وصف', department_key: 'operations', status: 'open', originator_email: inst.addr('clerk'),
      created_at: new Date(), updated_at: new Date(),
    }).returning('id') as [{ id: number }];
    await inst.db('ticket_events').insert(Array.from({ length: 200 }, (_, i) => ({ ticket_id: id, kind: 'note', actor: inst.addr('clerk'), data: JSON.stringify({ text: `ملاحظة ${i}` }), created_at: new Date() })));
  });
  afterAll(async () => { await inst.close(); });

  const fixtures = readdirSync('test/fixtures/mail').filter((f) => f.endsWith('.eml')).map((f) => `test/fixtures/mail/${f}`);
  it.each([
    ['ticket show', ['ticket', 'show', 'T-000001'], true],
    ['tickets list', ['tickets', 'list'], true],
    ['classify', ['classify', ...fixtures], false],
    ['policy check', ['policy', 'check', 'examples/policy.yaml'], false],
  ] as const)('%s ends quietly', async (_n, args, needsServices) => {
    const r = await runWithClosedStdout(args, needsServices ? inst.environment : {});
    expect(r.stderr).not.toMatch(/EPIPE|Unhandled|at .*\.ts:\d+/);
    expect(r.code).toBe(0);
  });
});
