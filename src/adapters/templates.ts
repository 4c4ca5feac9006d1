/**
 * Email templates: templates/<locale>/<name>.{subject,html,text}.hbs, with a per-locale `_layout.html.hbs`.
 * HTML is escaped by Handlebars; subjects and text are plain text, with line breaks removed from subjects.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import Handlebars from 'handlebars';
import juice from 'juice';
import type { Locale } from '../domain/dates.ts';
import { isolateText } from '../domain/bidi.ts';
import { countText, isNoun } from '../domain/plural.ts';

export interface RenderedEmail {
  subject: string;
  html: string;
  text: string;
}

type Compiled = (data: unknown) => string;

function userText(v: unknown): string {
  return typeof v === 'string' ? v : typeof v === 'number' ? String(v) : '';
}

const root = fileURLToPath(new URL('../../templates', import.meta.url));

export class Templates {
  private readonly compiled = new Map<string, Compiled>();

  constructor(private readonly dir = root) {
    // templates/desk holds the web desk's pages (src/entry/desk/views.ts), not a locale.
    for (const locale of readdirSync(dir).filter((d) => d !== 'desk')) {
      // Two instances per locale: {{u x}} (text someone wrote) becomes <bdi> in HTML and FSI…PDI in subjects and text.
      const html = Handlebars.create();
      const plain = Handlebars.create();
      for (const hb of [html, plain]) {
        hb.registerHelper('eq', (a: unknown, b: unknown) => a === b);
        hb.registerHelper('inc', (n: unknown) => Number(n) + 1);
        // {{plural n "ticket"}}: the number with its word in the template's language (Arabic plural forms).
        hb.registerHelper('plural', (n: unknown, noun: unknown) => {
          if (!isNoun(noun)) throw new Error(`{{plural}}: unknown noun ${String(noun)}`);
          return countText(Number(n), noun, locale === 'en' ? 'en' : 'ar');
        });
      }
      html.registerHelper('u', (v: unknown) => {
        const text = userText(v);
        return new html.SafeString(text === '' ? '' : `<bdi>${html.escapeExpression(text)}</bdi>`);
      });
      plain.registerHelper('u', (v: unknown) => isolateText(userText(v)));
      const files = readdirSync(join(dir, locale)).filter((f) => f.endsWith('.hbs'));
      for (const f of files.filter((x) => x.startsWith('_'))) {
        const partial = readFileSync(join(dir, locale, f), 'utf8');
        for (const hb of [html, plain]) hb.registerPartial(f.replace(/^_|\.html\.hbs$|\.hbs$/g, ''), partial);
      }
      for (const f of files.filter((x) => !x.startsWith('_'))) {
        const source = readFileSync(join(dir, locale, f), 'utf8');
        const isHtml = f.endsWith('.html.hbs');
        this.compiled.set(`${locale}/${f.replace(/\.hbs$/, '')}`, (isHtml ? html : plain).compile(source, { noEscape: !isHtml, strict: true }));
      }
    }
  }

  has(name: string, locale: Locale): boolean {
    return this.compiled.has(`${locale}/${name}.subject`);
  }

  private part(name: string, locale: Locale, part: 'subject' | 'html' | 'text'): Compiled {
    const t = this.compiled.get(`${locale}/${name}.${part}`);
    if (t === undefined) throw new Error(`template ${locale}/${name}.${part}.hbs is missing in ${this.dir}`);
    return t;
  }

  render(name: string, locale: Locale, data: unknown): RenderedEmail {
    return {
      subject: this.part(name, locale, 'subject')(data).replace(/[\r\n\t]+/g, ' ').replace(/\s{2,}/g, ' ').trim(),
      html: inlineCss(this.part(name, locale, 'html')(data)),
      text: `${this.part(name, locale, 'text')(data).replace(/\n{3,}/g, '\n\n').trim()}\n`,
    };
  }
}

/**
 * Templates with a <style> block (the reports) get their CSS inlined: Gmail and Outlook drop or ignore <style>
 * in many cases, inline styles they keep. Templates written with inline styles are left as they are.
 */
function inlineCss(html: string): string {
  return html.includes('<style') ? juice(html, { preserveMediaQueries: true, applyWidthAttributes: true, applyAttributesTableElements: true }) : html;
}
