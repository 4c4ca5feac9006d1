/** `tasaeed desk link <email>`: a one-time sign-in link for operators and tests, printed instead of emailed. */
import type { Command } from 'commander';
import { loadConfig } from '../../adapters/config.ts';
import { printableSignInLink } from '../../app/desk-sign-in.ts';
import type { App } from '../main.ts';
import { deskBaseUrl } from './plugin.ts';

export function registerDeskCommand(program: Command, withApp: <T>(fn: (app: App) => Promise<T>) => Promise<T>): void {
  program.command('desk').description('the web desk').command('link <email>')
    .description('print a one-time sign-in link (valid 15 minutes) for a person of the policy')
    .action(async (email: string) => {
      const config = loadConfig();
      const base = deskBaseUrl({ deskUrl: config.DESK_URL, host: config.HTTP_HOST, port: config.HTTP_PORT });
      await withApp(async (app) => {
        const link = await printableSignInLink(app.deps, email, base);
        if (link === undefined) throw new Error(`${email} is not a person of the policy, so it cannot sign in to the desk`);
        console.log(link);
      });
    });
}
