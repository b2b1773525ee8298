import type { ReactiveController, ReactiveControllerHost } from 'lit';
import { formatters, type Formatters } from './formatters.js';
import { resolveLocale, translator, type Catalog, type Locale, type MessageTable, type Translator } from './i18n.js';

/**
 * The language and time zone of one element, kept current. The language is, in order: the element's `locale`
 * property (a layout can bind the Desktop's locale to it), the nearest `lang` attribute (on the element, an
 * ancestor, or `<html>` — what the Desktop sets), then the browser's languages; English if none is supported.
 * A change of `<html lang>` or of the browser's languages re-renders the host. `timeZone` is the host's
 * `timeZone` property when set, else the browser's.
 */
export interface LocaleHost extends ReactiveControllerHost, HTMLElement {
  locale?: string;
  timeZone?: string;
}

export class LocaleController implements ReactiveController {
  private observer: MutationObserver | null = null;
  private current: Locale = 'en';
  private zone: string | undefined;

  constructor(private readonly host: LocaleHost) {
    host.addController(this);
  }

  get locale(): Locale {
    return this.current;
  }

  /** Intl formatters for the current locale and time zone. */
  get fmt(): Formatters {
    return formatters(this.current, this.zone);
  }

  /** The catalog's words in the current locale. */
  t<E extends MessageTable>(catalog: Catalog<E>): Translator<E> {
    return translator(catalog, this.current);
  }

  hostConnected(): void {
    this.resolve();
    this.observer = new MutationObserver(() => this.refresh());
    this.observer.observe(document.documentElement, { attributes: true, attributeFilter: ['lang'] });
    const nearest = langElement(this.host);
    if (nearest && nearest !== document.documentElement) this.observer.observe(nearest, { attributes: true, attributeFilter: ['lang'] });
    window.addEventListener('languagechange', this.refresh);
  }

  hostDisconnected(): void {
    this.observer?.disconnect();
    this.observer = null;
    window.removeEventListener('languagechange', this.refresh);
  }

  /** Runs before every render, so a new `locale`, `lang` or `timeZone` on the host is picked up at once. */
  hostUpdate(): void {
    this.resolve();
  }

  private readonly refresh = (): void => {
    if (this.resolve()) this.host.requestUpdate();
  };

  /** Recomputes the locale; true when it or the time zone changed. */
  private resolve(): boolean {
    const lang = langElement(this.host)?.getAttribute('lang');
    const next = resolveLocale([this.host.locale, lang, ...(navigator.languages ?? []), navigator.language]);
    const zone = this.host.timeZone || undefined;
    const changed = next !== this.current || zone !== this.zone;
    this.current = next;
    this.zone = zone;
    return changed;
  }
}

/** The nearest element with a `lang` attribute, looking through shadow roots up to the document. */
function langElement(el: Element): Element | null {
  let node: Element | null = el;
  while (node) {
    const found = node.closest('[lang]');
    if (found) return found;
    const root = node.getRootNode();
    node = root instanceof ShadowRoot ? root.host : null;
  }
  return null;
}
