/**
 * The desk's action forms, and how a posted form becomes the same parsed command an email would carry. Only the
 * forms the person's role allows on this ticket are offered; the command layer checks the role again.
 */
import type { WebCommand } from '../../app/web-command.ts';
import { commandWord } from '../../domain/commands.ts';
import type { Locale } from '../../domain/dates.ts';
import type { Directory } from '../../domain/directory.ts';
import type { CommandName } from '../../domain/policy.ts';
import type { Ticket } from '../../domain/ticket.ts';
import { STRINGS } from './strings.ts';

export const WEB_ACTIONS = ['resolve', 'assign', 'priority', 'deadline', 'plan', 'note', 'escalate', 'hold', 'resume', 'route', 'contact', 'customer'] as const;
export type WebAction = (typeof WEB_ACTIONS)[number] & CommandName;

interface Field { name: string; label: string; required?: boolean; long?: boolean; help?: string; ltr?: boolean; options?: { value: string; label: string }[] }
export interface ActionForm { name: WebAction; label: string; fields: Field[] }

export const isWebAction = (s: string): s is WebAction => (WEB_ACTIONS as readonly string[]).includes(s);

export function actionForms(directory: Directory, ticket: Ticket, email: string, locale: Locale): ActionForm[] {
  const t = STRINGS[locale];
  const policy = directory.policy;
  const actors = directory.actorsFor(email, ticket);
  const allowed = (a: WebAction): boolean => policy.commands[a].some((x) => actors.has(x))
    && (ticket.status !== 'resolved' || a === 'note');
  const departments = policy.departments.map((d) => ({ value: d.key, label: d.name[locale] }));
  const forms: Record<WebAction, Omit<ActionForm, 'name'>> = {
    resolve: { label: t.resolve, fields: [
      { name: 'rootCause', label: t.rootCause, required: true, long: true },
      { name: 'prevention', label: t.prevention, required: true, long: true },
      { name: 'comment', label: t.comment, long: true }] },
    assign: { label: t.assign, fields: [{ name: 'arg', label: t.assignTo, required: true, ltr: true }] },
    priority: { label: t.setPriority, fields: [{ name: 'arg', label: t.priority, options: policy.priorities.map((p) => ({ value: p.key, label: p.name[locale] })) }] },
    deadline: { label: t.deadline, fields: [{ name: 'arg', label: t.deadline, required: true, help: t.deadlineHelp }] },
    plan: { label: t.plan, fields: [{ name: 'text', label: t.plan, required: true, long: true }] },
    note: { label: t.note, fields: [{ name: 'text', label: t.note, required: true, long: true }] },
    escalate: { label: t.escalate, fields: [{ name: 'text', label: t.reason, long: true }] },
    route: { label: t.route, fields: [{ name: 'arg', label: t.department, options: departments }] },
    contact: { label: t.contact, fields: [{ name: 'arg', label: t.department, options: departments }, { name: 'text', label: t.message, required: true, long: true }] },
    hold: { label: t.hold, fields: [{ name: 'text', label: t.reason, required: true }, { name: 'until', label: t.holdUntil, help: t.deadlineHelp }] },
    resume: { label: t.resume, fields: [] },
    customer: { label: t.customer, fields: [{ name: 'arg', label: t.customerEmail, required: true, ltr: true }, { name: 'text', label: t.direction, long: true }] },
  };
  const fits = (a: WebAction): boolean => (a !== 'route' || ticket.status === 'triage')
    && (a !== 'hold' || ticket.status === 'open') && (a !== 'resume' || ticket.status === 'on_hold');
  return WEB_ACTIONS.filter(fits).filter(allowed).map((name) => ({ name, ...forms[name] }));
}

const field = (body: Record<string, unknown>, name: string): string => {
  const v = body[name];
  return typeof v === 'string' ? v.replace(/\r\n?/g, '\n').trim().slice(0, 10_000) : '';
};

/** The command a form stands for, shaped as the email parser would produce it (`arg` is the first line). */
export function commandOf(action: WebAction, body: Record<string, unknown>, locale: Locale = 'ar'): WebCommand {
  const word = commandWord(action, locale);
  if (action === 'resolve') {
    return { name: 'resolve', word, rootCause: field(body, 'rootCause'), prevention: field(body, 'prevention'), text: field(body, 'comment') };
  }
  if (action === 'hold') {
    const until = field(body, 'until').split('\n')[0]?.trim() ?? '';
    const reason = field(body, 'text').split('\n')[0]?.trim() ?? '';
    const arg = until === '' ? reason : `${reason} ${locale === 'ar' ? 'حتى' : 'until'} ${until}`;
    return { name: 'hold', word, arg, text: arg };
  }
  const text = field(body, 'text');
  const arg = (field(body, 'arg') || text).split('\n')[0]?.trim() ?? '';
  // In an email, #عميل/#تواصل take the argument on the command line and the rest on the lines below it.
  const joined = action === 'customer' || action === 'contact' ? [arg, text].filter((s) => s !== '').join('\n') : text || arg;
  return { name: action, word, arg, text: joined };
}
