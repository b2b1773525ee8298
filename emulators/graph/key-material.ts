import { createHash, createPrivateKey, createPublicKey, sign, X509Certificate, type KeyObject } from 'node:crypto';
import { generate } from 'selfsigned';

/**
 * The emulator's one RSA-2048 key pair and self-signed certificate, generated at start and never written to
 * disk: it serves HTTPS (SAN IP 127.0.0.1 + DNS localhost) and signs tokens (JWKS `kid` = `x5t` = the
 * certificate's SHA-1 thumbprint, as Entra does).
 */
export interface KeyMaterial {
  certPem: string;
  keyPem: string;
  privateKey: KeyObject;
  publicJwk: { kty: string; n: string; e: string };
  certDerBase64: string;
  /** base64url SHA-1 thumbprint of the certificate (JWKS kid / x5t). */
  x5t: string;
}

export async function createKeyMaterial(): Promise<KeyMaterial> {
  const notBeforeDate = new Date(Date.now() - 60_000);
  const notAfterDate = new Date(notBeforeDate.getTime() + 2 * 365 * 86_400_000);
  const pems = await generate([{ name: 'commonName', value: 'Microsoft Graph emulator (127.0.0.1)' }], {
    keyType: 'rsa',
    keySize: 2048,
    algorithm: 'sha256',
    notBeforeDate,
    notAfterDate,
    extensions: [
      { name: 'basicConstraints', cA: true, critical: true },
      { name: 'keyUsage', digitalSignature: true, keyEncipherment: true, keyCertSign: true, critical: true },
      { name: 'extKeyUsage', serverAuth: true },
      { name: 'subjectAltName', altNames: [{ type: 7, ip: '127.0.0.1' }, { type: 2, value: 'localhost' }] },
    ],
  });
  const privateKey = createPrivateKey(pems.private);
  const jwk = createPublicKey(privateKey).export({ format: 'jwk' }) as { kty: string; n: string; e: string };
  const der = new X509Certificate(pems.cert).raw;
  return {
    certPem: pems.cert,
    keyPem: pems.private,
    privateKey,
    publicJwk: { kty: jwk.kty, n: jwk.n, e: jwk.e },
    certDerBase64: der.toString('base64'),
    x5t: createHash('sha1').update(der).digest('base64url'),
  };
}

export function signJwt(key: KeyMaterial, claims: Record<string, unknown>): string {
  const header = { typ: 'JWT', alg: 'RS256', x5t: key.x5t, kid: key.x5t };
  const head = Buffer.from(JSON.stringify(header)).toString('base64url');
  const body = Buffer.from(JSON.stringify(claims)).toString('base64url');
  const signature = sign('RSA-SHA256', Buffer.from(`${head}.${body}`), key.privateKey).toString('base64url');
  return `${head}.${body}.${signature}`;
}

export interface DecodedJwt {
  header: Record<string, unknown>;
  payload: Record<string, unknown>;
  signingInput: string;
  signature: Buffer;
}

export function decodeJwt(token: string): DecodedJwt | null {
  const parts = token.split('.');
  if (parts.length !== 3) return null;
  try {
    const header = JSON.parse(Buffer.from(parts[0]!, 'base64url').toString('utf8')) as unknown;
    const payload = JSON.parse(Buffer.from(parts[1]!, 'base64url').toString('utf8')) as unknown;
    if (typeof header !== 'object' || header === null || typeof payload !== 'object' || payload === null) return null;
    return {
      header: header as Record<string, unknown>,
      payload: payload as Record<string, unknown>,
      signingInput: `${parts[0]}.${parts[1]}`,
      signature: Buffer.from(parts[2]!, 'base64url'),
    };
  } catch {
    return null;
  }
}
