import { constants, createCipheriv, createHash, createHmac, publicEncrypt, randomBytes, X509Certificate, type KeyObject } from 'node:crypto';
import { signJwt, type KeyMaterial } from './key-material.js';

/** Microsoft's change-notification publisher app id: `appid` (v1) or `azp` (v2) of every validation token. */
export const GRAPH_CHANGE_TRACKING_APP_ID = '0bf30f3b-4a52-48df-9a82-234910c4a086';

export interface EncryptedContent {
  data: string;
  dataSignature: string;
  dataKey: string;
  encryptionCertificateId: string;
  encryptionCertificateThumbprint: string;
}

export interface SubscriberCertificate {
  publicKey: KeyObject;
  /** Upper-case hex SHA-1 of the DER certificate, as Graph reports it. */
  thumbprint: string;
}

/** Parses `encryptionCertificate` (base64 DER, PEM tolerated); RSA 2048–4096 only, as Graph requires. */
export function parseSubscriberCertificate(base64: string): SubscriberCertificate | string {
  let cert: X509Certificate;
  try {
    cert = base64.includes('BEGIN CERTIFICATE') ? new X509Certificate(base64) : new X509Certificate(Buffer.from(base64, 'base64'));
  } catch {
    return 'encryptionCertificate is not a valid base64-encoded X.509 certificate.';
  }
  const key = cert.publicKey;
  const bits = key.asymmetricKeyDetails?.modulusLength ?? 0;
  if (key.asymmetricKeyType !== 'rsa' || bits < 2048 || bits > 4096) return 'encryptionCertificate must hold an RSA public key of 2048 to 4096 bits.';
  return { publicKey: key, thumbprint: createHash('sha1').update(cert.raw).digest('hex').toUpperCase() };
}

/**
 * Encrypts one resource the way Graph's rich notifications do: a fresh 32-byte key per item; `data` =
 * AES-256-CBC/PKCS7 with IV = the key's first 16 bytes; `dataSignature` = HMAC-SHA256 over the encrypted bytes
 * keyed by the same key; `dataKey` = the key under RSA-OAEP (SHA-1) with the subscriber's certificate.
 */
export function encryptResource(cert: SubscriberCertificate, certificateId: string, plaintext: string): EncryptedContent {
  const key = randomBytes(32);
  const cipher = createCipheriv('aes-256-cbc', key, key.subarray(0, 16));
  const data = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
  return {
    data: data.toString('base64'),
    dataSignature: createHmac('sha256', key).update(data).digest('base64'),
    dataKey: publicEncrypt({ key: cert.publicKey, padding: constants.RSA_PKCS1_OAEP_PADDING, oaepHash: 'sha1' }, key).toString('base64'),
    encryptionCertificateId: certificateId,
    encryptionCertificateThumbprint: cert.thumbprint,
  };
}

/**
 * Validation tokens for rich notifications: RS256 JWTs signed by the emulator's JWKS key, one per app, valid
 * one hour, re-signed 10 minutes before they lapse. Times come from the emulator clock (so a skewed emulator
 * issues skewed tokens, as a real service with a skewed clock would).
 * - `v1` (default, the shape Microsoft documents): `iss https://sts.windows.net/{tid}/`, `appid` = the
 *   publisher, `appidacr`, `ver 1.0` — the issuer the emulator's v1 OpenID metadata
 *   (`/{tenant}/.well-known/openid-configuration`) announces.
 * - `v2`: `iss {emulator}/{tid}/v2.0`, `azp` = the publisher, `azpacr`, `ver 2.0`.
 */
export type ValidationTokenVersion = 'v1' | 'v2';

export const v1Issuer = (tenantId: string): string => `https://sts.windows.net/${tenantId}/`;

export class ValidationTokenCache {
  private readonly cache = new Map<string, { token: string; exp: number; version: ValidationTokenVersion }>();

  constructor(
    private readonly key: KeyMaterial,
    private readonly tenantId: string,
    private readonly issuerBase: () => string,
    private readonly now: () => number = Date.now,
    private readonly version: () => ValidationTokenVersion = () => 'v1',
  ) {}

  tokenFor(appId: string): string {
    const now = Math.floor(this.now() / 1000);
    const version = this.version();
    const hit = this.cache.get(appId);
    if (hit && hit.version === version && hit.exp - now > 600 && hit.exp - now <= 3600) return hit.token;
    const exp = now + 3600;
    const common = { aud: appId, iat: now, nbf: now, exp, aio: 'emulator', oid: '3e3f3a5c-6b3e-4d2b-9b0a-0bf30f3b0000', sub: '3e3f3a5c-6b3e-4d2b-9b0a-0bf30f3b0000', tid: this.tenantId };
    const claims =
      version === 'v1'
        ? { ...common, iss: v1Issuer(this.tenantId), idp: v1Issuer(this.tenantId), appid: GRAPH_CHANGE_TRACKING_APP_ID, appidacr: '2', ver: '1.0' }
        : { ...common, iss: `${this.issuerBase()}/${this.tenantId}/v2.0`, azp: GRAPH_CHANGE_TRACKING_APP_ID, azpacr: '2', ver: '2.0' };
    const token = signJwt(this.key, claims);
    this.cache.set(appId, { token, exp, version });
    return token;
  }
}
