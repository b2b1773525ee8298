import type { Config } from './config.js';

const LOOPBACK = new Set(['127.0.0.1', '[::1]', 'localhost']);

/**
 * Credentials and tokens travel to these addresses, so they must be https://. Microsoft Graph and its sign-in
 * authority have no exemption (the Graph emulator speaks https on loopback). The contact center's addresses may be
 * http:// only on this machine's loopback (the Webex emulator), which no network carries; a real contact center is
 * never there.
 */
export function insecureUrls(config: Config): string[] {
  const out: string[] = [];
  const check = (value: string | undefined, name: string, loopbackHttp: boolean): void => {
    if (!value) return;
    let url: URL;
    try {
      url = new URL(value);
    } catch {
      return; // malformed addresses are reported by the schema
    }
    if (url.protocol === 'https:') return;
    if (loopbackHttp && url.protocol === 'http:' && LOOPBACK.has(url.hostname)) return;
    out.push(`${name}: must be an https:// address (got ${url.protocol}//${url.host})${loopbackHttp ? '; http:// is accepted only on loopback' : ''}`);
  };
  check(config.graph.authorityHost, 'graph.authorityHost (TPC_GRAPH_AUTHORITY_HOST)', false);
  check(config.graph.graphBaseUrl, 'graph.graphBaseUrl (TPC_GRAPH_BASE_URL)', false);
  check(config.webex.baseUrl, 'webex.baseUrl (TPC_WEBEX_BASE_URL)', true);
  check(config.webex.identityBaseUrl, 'webex.identityBaseUrl (TPC_WEBEX_IDENTITY_BASE_URL)', true);
  return out;
}
