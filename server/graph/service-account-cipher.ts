import { createCipheriv, createDecipheriv, createHash, randomBytes } from 'node:crypto';
import type { EncryptedBlob } from '../store/token-cache-store.js';

/**
 * AES-256-GCM for the token cache at rest. The 32-byte key comes from the environment or a secret file
 * (`TPC_GRAPH_TOKEN_CACHE_KEY[_FILE]`), as base64 or hex (`openssl rand -base64 32`). Each write uses a fresh
 * 12-byte IV; the tag authenticates the blob, so a tampered or truncated row fails to open instead of feeding
 * msal garbage. The key id (a hash, not the key) tells "wrong key" apart from "corrupt data".
 */

export class TokenCacheKeyError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'TokenCacheKeyError';
  }
}

export function parseTokenCacheKey(text: string): Buffer {
  const t = text.trim();
  if (/^[0-9a-f]{64}$/i.test(t)) return Buffer.from(t, 'hex');
  if (/^[A-Za-z0-9+/_-]{43}=?$/.test(t)) {
    const key = Buffer.from(t.replace(/-/g, '+').replace(/_/g, '/'), 'base64');
    if (key.length === 32) return key;
  }
  throw new TokenCacheKeyError('graph.tokenCacheKey must be 32 random bytes as base64 (44 characters) or hex (64 characters), e.g. from `openssl rand -base64 32`');
}

export class TokenCacheCipher {
  readonly keyId: string;

  constructor(private readonly key: Buffer) {
    if (key.length !== 32) throw new TokenCacheKeyError('the token cache key must be 32 bytes');
    this.keyId = createHash('sha256').update('tpc token cache key id\u0000').update(key).digest('hex').slice(0, 16);
  }

  seal(plaintext: string): EncryptedBlob {
    const iv = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', this.key, iv);
    cipher.setAAD(Buffer.from(this.keyId));
    const data = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
    return { keyId: this.keyId, iv, tag: cipher.getAuthTag(), data };
  }

  open(blob: EncryptedBlob): string {
    if (blob.keyId !== this.keyId) {
      throw new TokenCacheKeyError('the stored Graph token cache was encrypted with a different key (graph.tokenCacheKey changed): sign the service accounts in again');
    }
    try {
      const decipher = createDecipheriv('aes-256-gcm', this.key, blob.iv);
      decipher.setAAD(Buffer.from(this.keyId));
      decipher.setAuthTag(blob.tag);
      return Buffer.concat([decipher.update(blob.data), decipher.final()]).toString('utf8');
    } catch {
      throw new TokenCacheKeyError('the stored Graph token cache failed authentication (corrupt or tampered): sign the service accounts in again');
    }
  }
}
