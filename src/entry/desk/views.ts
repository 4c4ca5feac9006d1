/** The desk's pages: templates/desk/<page>.hbs inside `_layout.hbs`, every value escaped by Handlebars. */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import Handlebars from 'handlebars';
import type { Locale } from '../../domain/dates.ts';
import { STRINGS } from './strings.ts';

const dir = fileURLToPath(new URL('../../../templates/desk', import.meta.url));

export type Page = 'sign-in' | 'confirm' | 'message' | 'list' | 'ticket' | 'reports' | 'quarantine' | 'status';

export interface Viewer {
  name: string;
  email: string;
  /** Sees every ticket (Core, GM, CS manager, QA). */
  all: boolean;
  core: boolean;
}

export interface Frame {
  locale: Locale;
  org: string;
  csrf: string;
  me: Viewer | null;
  flash?: { kind: 'ok' | 'refused' | 'error'; text: string } | undefined;
}

export class DeskViews {
  private readonly pages = new Map<string, HandlebarsTemplateDelegate>();
  readonly css = readFileSync(join(dir, 'assets', 'desk.css'), 'utf8');
  readonly js = readFileSync(join(dir, 'assets', 'desk.js'), 'utf8');

  constructor() {
    const hb = Handlebars.create();
    hb.registerPartial('layout', readFileSync(join(dir, '_layout.hbs'), 'utf8'));
    for (const f of readdirSync(dir).filter((x) => x.endsWith('.hbs') && !x.startsWith('_'))) {
      this.pages.set(f.replace(/\.hbs$/, ''), hb.compile(readFileSync(join(dir, f), 'utf8'), { strict: false }));
    }
  }

  render(page: Page, frame: Frame, title: string, data: Record<string, unknown> = {}): string {
    const t = this.pages.get(page);
    if (t === undefined) throw new Error(`templates/desk/${page}.hbs is missing`);
    const { locale, ...rest } = frame;
    return t({ ...rest, flash: frame.flash ?? null, lang: locale, dir: locale === 'ar' ? 'rtl' : 'ltr', t: STRINGS[locale], title, ...data });
  }
}
