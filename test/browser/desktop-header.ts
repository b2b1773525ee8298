import type { Locator, Page } from 'playwright-core';

export type Theme = 'light' | 'dark';

/** Header colours of the Webex Desktop themes (Momentum's solid primary background). */
const HEADER_BG: Record<Theme, string> = { light: '#ffffff', dark: '#000000' };

export interface HeaderOptions {
  theme: Theme;
  agentId: string;
  token: string;
  serverUrl: string;
  /** Suffix of the header's id; the theme by default. */
  id?: string;
}

/**
 * A stand-in for the Webex Desktop header: a 64 px bar with a title on the left and the agent widget in compact
 * form on the right, bound the way a Desktop layout binds it (`theme` from `$STORE.app.darkMode`, `token` as a
 * property, never an attribute). Returns the widget.
 */
export async function mountDesktopHeader(page: Page, o: HeaderOptions): Promise<Locator> {
  const id = `desktop-header-${o.id ?? o.theme}`;
  await page.evaluate(
    ({ id, o, bg }) => {
      document.getElementById(id)?.remove();
      const header = document.createElement('div');
      header.id = id;
      header.style.cssText = `height:64px;display:flex;align-items:center;justify-content:space-between;gap:16px;padding:0 16px;background:${bg};color:${o.theme === 'dark' ? '#fff' : '#000'};overflow:hidden;font-family:Arial,sans-serif;border-bottom:1px solid #8888`;
      const title = document.createElement('span');
      title.textContent = 'Webex Contact Center';
      const w = document.createElement('presence-agent-widget') as HTMLElement & { token: string };
      w.setAttribute('compact', '');
      w.setAttribute('theme', o.theme === 'dark' ? 'true' : 'false');
      w.setAttribute('agent-id', o.agentId);
      w.setAttribute('server-url', o.serverUrl);
      w.token = o.token;
      header.append(title, w);
      document.body.prepend(header);
    },
    { id, o, bg: HEADER_BG[o.theme] },
  );
  return page.locator(`#${id} presence-agent-widget`);
}
