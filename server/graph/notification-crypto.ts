import { constants, createDecipheriv, createHmac, createPrivateKey, privateDecrypt, randomUUID, timingSafeEqual, X509Certificate, type KeyObject } from 'node:crypto';
import { generate } from 'selfsigned';

/**
 * Rich presence notifications arrive encrypted for a certificate the connector generates at start and keeps
 * only in memory (a restart makes a new one and recreates its subscriptions). Per item Graph sends:
 * `dataKey` — a random symmetric key encrypted with our RSA public key (OAEP, SHA-1);
 * `dataSignature` — base64 HMAC-SHA256 of the encrypted `data` bytes, keyed by that symmetric key;
 * `data` — base64 AES-256-CBC (PKCS#7) ciphertext whose IV is the first 16 bytes of the key.
 * The signature is checked before anything is decrypted.
 */

export interface EncryptionCertificate {
  /** Our id for the certificate, echoed back by Graph as `encryptionCertificateId`. */
  id: string;
  /** Base64 DER of the X.509 certificate, as `encryptionCertificate` expects. */
  certificateBase64: string;
  /** SHA-1 thumbprint (hex, upper case), as Graph reports it in `encryptionCertificateThumbprint`. */
  thumbprint: string;
  privateKey: KeyObject;
}

export interface EncryptedContent {
  data: string;
  dataSignature: string;
  dataKey: string;
  encryptionCertificateId?: string;
  encryptionCertificateThumbprint?: string;
}

export async function createEncryptionCertificate(id: string = `tpc-${randomUUID()}`): Promise<EncryptionCertificate> {
  const notAfterDate = new Date(Date.now() + 365 * 24 * 3600_000);
  const pems = await generate([{ name: 'commonName', value: 'teams-presence-connector notifications' }], {
    keySize: 2048,
    algorithm: 'sha256',
    notAfterDate,
  });
  const certificateBase64 = pems.cert.replace(/-----(BEGIN|END) CERTIFICATE-----/g, '').replace(/\s+/g, '');
  const thumbprint = new X509Certificate(pems.cert).fingerprint.replace(/:/g, '').toUpperCase();
  return { id, certificateBase64, thumbprint, privateKey: createPrivateKey(pems.private) };
}

export type DecryptFailure = 'unknown-certificate' | 'bad-key' | 'bad-signature' | 'bad-data';

export class NotificationDecryptError extends Error {
  constructor(readonly reason: DecryptFailure) {
    super(`encrypted notification rejected: ${reason}`);
    this.name = 'NotificationDecryptError';
  }
}

/** Recovers the symmetric key; throws NotificationDecryptError. */
export function unwrapKey(content: EncryptedContent, cert: EncryptionCertificate): Buffer {
  if (content.encryptionCertificateId !== undefined && content.encryptionCertificateId !== cert.id) {
    throw new NotificationDecryptError('unknown-certificate');
  }
  try {
    const key = privateDecrypt({ key: cert.privateKey, padding: constants.RSA_PKCS1_OAEP_PADDING, oaepHash: 'sha1' }, Buffer.from(content.dataKey, 'base64'));
    if (key.length !== 32) throw new Error('key length');
    return key;
  } catch {
    throw new NotificationDecryptError('bad-key');
  }
}

/** Constant-time comparison of the HMAC of the still-encrypted data. */
export function signatureValid(content: EncryptedContent, key: Buffer): boolean {
  const expected = createHmac('sha256', key).update(Buffer.from(content.data, 'base64')).digest();
  const given = Buffer.from(content.dataSignature, 'base64');
  return given.length === expected.length && timingSafeEqual(given, expected);
}

/** Verifies the signature, then decrypts and parses the JSON resource. */
export function decryptContent(content: EncryptedContent, cert: EncryptionCertificate): unknown {
  const key = unwrapKey(content, cert);
  if (!signatureValid(content, key)) throw new NotificationDecryptError('bad-signature');
  try {
    const decipher = createDecipheriv('aes-256-cbc', key, key.subarray(0, 16));
    const plain = Buffer.concat([decipher.update(Buffer.from(content.data, 'base64')), decipher.final()]);
    return JSON.parse(plain.toString('utf8'));
  } catch {
    throw new NotificationDecryptError('bad-data');
  }
}
