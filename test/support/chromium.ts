/**
 * Debian's Chromium for the browser tests, driven by playwright-core (browser downloads from npm cannot work here).
 * Installed with apt-get when missing and we are root, as scripts/services.ts does for the services' packages.
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { chromium, type Browser } from 'playwright-core';

export const CHROMIUM = '/usr/bin/chromium';

const ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync'];

function apt(args: string[]): void {
  const r = spawnSync('apt-get', args, { stdio: ['ignore', 'inherit', 'inherit'], env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' } });
  if (r.status !== 0) throw new Error(`apt-get ${args.join(' ')} failed (exit ${String(r.status)})`);
}

export function ensureChromium(): void {
  if (existsSync(CHROMIUM)) return;
  if (process.getuid?.() !== 0) {
    throw new Error(`the browser tests need Debian's Chromium at ${CHROMIUM}. Install it as root, then run the tests again:\n  sudo apt-get install -y chromium`);
  }
  process.stderr.write('tests: installing chromium with apt-get…\n');
  apt(['update']);
  apt(['install', '-y', '-o', 'DPkg::Lock::Timeout=300', 'chromium']);
  if (!existsSync(CHROMIUM)) throw new Error(`apt-get install chromium finished but ${CHROMIUM} is still missing`);
}

export async function launchChromium(): Promise<Browser> {
  ensureChromium();
  return await chromium.launch({ executablePath: CHROMIUM, args: ARGS });
}
