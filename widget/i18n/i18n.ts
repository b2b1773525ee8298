/**
 * Localisation for every component: six languages, words kept in typed catalogs, dates/times/durations/numbers
 * through `Intl`. Pure (no DOM), so it is unit-tested in Node; {@link LocaleController} binds it to an element.
 *
 * ## Adding strings to a component (how-to)
 *
 * 1. Put the component's words in a catalog file `widget/messages/<component>-messages.ts`:
 *
 *    ```ts
 *    import { defineMessages } from '../i18n/i18n.js';
 *    export const consoleMessages = defineMessages({
 *      en: {
 *        title: 'Agents',
 *        shown: { one: '{count} agent shown', other: '{count} agents shown' }, // plural: picked by `count`
 *        since: 'Since {time}',                                                   // `{name}` placeholder
 *      },
 *      'pt-BR': { title: 'Agentes', shown: { one: '{count} agente exibido', other: '{count} agentes exibidos' }, since: 'Desde {time}' },
 *      de: { ... }, it: { ... }, fr: { ... }, es: { ... },
 *    });
 *    ```
 *    English is the source. TypeScript refuses a language that lacks a key, and `test/unit/widget-i18n.test.ts`
 *    imports every `widget/messages/*-messages.ts` file and fails on a missing or empty key, a placeholder that
 *    differs from the English one, or a plural without `other` — in any of the six languages.
 * 2. In the element: `private readonly i18n = new LocaleController(this);` then, in `render()`,
 *    `const t = this.i18n.t(consoleMessages);` and `t('since', { time: this.i18n.fmt.time(at) })`. Keys and
 *    placeholder names are type-checked against the English catalog. Numbers passed as parameters are formatted
 *    for the locale; dates, times and durations go through `this.i18n.fmt` (see {@link Formatters}).
 * 3. Shared words (agent states, Teams states, the connector's reason codes, API error codes) already live in
 *    `widget/messages/common-messages.ts` and `reason-messages.ts`; reuse them rather than translating again.
 *    A reason code from the API renders with `reasonText(code, this.i18n.fmt, fallbackText)` (`reason-text.ts`),
 *    an error by its code with `commonMessages` `error.<code>`, the server's words only as a fallback.
 * 4. A nested element finds the nearest `lang` through shadow roots by itself; the host may also pass
 *    `.locale=${this.i18n.locale}` so both always agree. Render `lang=${this.i18n.locale}` on your root element
 *    when the language may differ from the page's (a `locale` property), so screen readers pronounce it right.
 *
 * Names that come from a system stay as that system names them (idle codes, teams, people): pass them as
 * parameters, never as keys. Pure text helpers take a `Translator`/`Formatters` argument instead of a locale.
 */

export const LOCALES = ['en', 'pt-BR', 'de', 'it', 'fr', 'es'] as const;
export type Locale = (typeof LOCALES)[number];
export const SOURCE_LOCALE: Locale = 'en';

/** A plural message: one text per `Intl.PluralRules` category, chosen by the `count` parameter. */
export type PluralMessage = { other: string } & Partial<Record<Exclude<Intl.LDMLPluralRule, 'other'>, string>>;
export type Message = string | PluralMessage;
export type MessageTable = Record<string, Message>;

type PlaceholdersOf<S> = S extends `${string}{${infer P}}${infer Rest}` ? P | PlaceholdersOf<Rest> : never;
type MessagePlaceholders<M> = M extends string ? PlaceholdersOf<M> : 'count' | PlaceholdersOf<M[keyof M]>;
export type ParamValue = string | number;
export type ParamsOf<M> = [MessagePlaceholders<M>] extends [never] ? [params?: Record<string, never>] : [params: Record<MessagePlaceholders<M>, ParamValue>];

export interface Catalog<E extends MessageTable> {
  readonly kind: 'catalog';
  /** The English table with its literal types: keys and placeholder names are checked against it. */
  readonly source: E;
  readonly tables: { readonly [L in Locale]: { readonly [K in keyof E]: Message } };
}

/** The English messages of a catalog, for typing helpers that take a translator: `Translator<MessagesOf<typeof x>>`. */
export type MessagesOf<C> = C extends Catalog<infer E> ? E : never;

/** Declares a component's words in all six languages; English is the source every other language must match. */
export function defineMessages<const E extends MessageTable>(tables: { en: E } & { [L in Exclude<Locale, 'en'>]: { [K in keyof E]: Message } }): Catalog<E> {
  return { kind: 'catalog', source: tables.en, tables };
}

export function isCatalog(value: unknown): value is Catalog<MessageTable> {
  return !!value && typeof value === 'object' && (value as { kind?: unknown }).kind === 'catalog';
}

export type Translator<E extends MessageTable> = <K extends keyof E & string>(key: K, ...params: ParamsOf<E[K]>) => string;

const pluralRules = new Map<Locale, Intl.PluralRules>();
const numberFormats = new Map<Locale, Intl.NumberFormat>();

function plural(locale: Locale): Intl.PluralRules {
  let r = pluralRules.get(locale);
  if (!r) pluralRules.set(locale, (r = new Intl.PluralRules(locale)));
  return r;
}

function numberFormat(locale: Locale): Intl.NumberFormat {
  let f = numberFormats.get(locale);
  if (!f) numberFormats.set(locale, (f = new Intl.NumberFormat(locale)));
  return f;
}

/** Fills `{name}` placeholders; numbers are written the locale's way. An unknown placeholder stays visible. */
export function format(locale: Locale, message: Message, params: Record<string, ParamValue> = {}): string {
  let text: string;
  if (typeof message === 'string') text = message;
  else {
    const count = Number(params.count ?? 0);
    text = message[plural(locale).select(count)] ?? message.other;
  }
  return text.replace(/\{(\w+)\}/g, (whole, name: string) => {
    const v = params[name];
    if (v === undefined) return whole;
    return typeof v === 'number' ? numberFormat(locale).format(v) : v;
  });
}

/** A function that renders a catalog's keys in one locale, falling back to English for a missing entry. */
export function translator<E extends MessageTable>(catalog: Catalog<E>, locale: Locale): Translator<E> {
  const table = catalog.tables[locale] as Record<string, Message>;
  const source = catalog.tables.en as Record<string, Message>;
  return ((key: string, params?: Record<string, ParamValue>) => format(locale, table[key] ?? source[key] ?? key, params)) as Translator<E>;
}

/**
 * The best supported locale for a list of BCP 47 tags in order of preference: an exact match, then the same
 * language (`pt-PT` → `pt-BR`, `de-AT` → `de`, `en-GB` → `en`); English when nothing matches.
 */
export function resolveLocale(preferences: readonly (string | null | undefined)[]): Locale {
  for (const raw of preferences) {
    if (!raw) continue;
    const tag = raw.trim().replace(/_/g, '-').toLowerCase();
    if (!tag) continue;
    const exact = LOCALES.find((l) => l.toLowerCase() === tag);
    if (exact) return exact;
    const language = tag.split('-')[0];
    const same = LOCALES.find((l) => l.toLowerCase().split('-')[0] === language);
    if (same) return same;
  }
  return SOURCE_LOCALE;
}

export type { Formatters } from './formatters.js';
