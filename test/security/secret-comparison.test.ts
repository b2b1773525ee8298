import { createHmac } from 'node:crypto';
import { describe, expect, it, vi } from 'vitest';

/**
 * Secrets that arrive from outside (Graph's clientState, Webex's webhook signature) are accepted exactly when they
 * match, and are compared with crypto.timingSafeEqual over equal-length buffers. The comparison is observed by
 * wrapping the real timingSafeEqual (it still decides); timing itself is not measured here.
 */

const timingSafeEqual = vi.hoisted(() => vi.fn<(a: NodeJS.ArrayBufferView, b: NodeJS.ArrayBufferView) => boolean>());
vi.mock('node:crypto', async (importOriginal) => {
  const real = await importOriginal<typeof import('node:crypto')>();
  timingSafeEqual.mockImplementation(real.timingSafeEqual);
  return { ...real, default: { ...real, timingSafeEqual }, timingSafeEqual };
});

const { secretEquals } = await import('../../server/graph/notification-intake.js');
const { verifyWebexSignature } = await import('../../server/http/webex-webhook-router.js');

describe('Graph clientState: secretEquals', () => {
  it.each([
    ['equal', 'the-client-state'],
    ['shorter', 'the-client'],
    ['longer', 'the-client-state-and-more'],
    ['empty', ''],
  ])('%s: one constant-time comparison of two equal-length buffers, whose answer it returns', (_name, given) => {
    timingSafeEqual.mockClear();
    const answer = secretEquals(given, 'the-client-state');
    expect(timingSafeEqual).toHaveBeenCalledTimes(1);
    const [a, b] = timingSafeEqual.mock.calls[0]!;
    expect(a.byteLength).toBe(b.byteLength);
    expect(answer).toBe(timingSafeEqual.mock.results[0]!.value);
  });

  it.each([
    ['equal', 'the-client-state', 'the-client-state', true],
    ['different, same length', 'the-client-statf', 'the-client-state', false],
    ['shorter', 'the-client', 'the-client-state', false],
    ['longer', 'the-client-state-and-more', 'the-client-state', false],
    ['empty given', '', 'the-client-state', false],
    ['case differs', 'THE-CLIENT-STATE', 'the-client-state', false],
    ['unicode equal', 'zustand-ä-€', 'zustand-ä-€', true],
    ['null', null, 'the-client-state', false],
    ['undefined', undefined, 'the-client-state', false],
  ])('%s → %s', (_name, given, expected, want) => {
    expect(secretEquals(given as string | null | undefined, expected as string)).toBe(want);
  });

  it('a non-string given (as a forged JSON body could carry) is unequal, not an exception', () => {
    for (const given of [123, {}, ['the-client-state'], true]) expect(secretEquals(given as unknown as string, 'the-client-state')).toBe(false);
  });
});

describe('Webex webhook signature: verifyWebexSignature', () => {
  const secret = 'webhook-secret-value';
  const body = Buffer.from('{"type":"agent:state_change","data":{"agentId":"a-1"}}');
  const good = createHmac('sha256', secret).update(body).digest('hex');

  it.each([
    ['well-formed, right', () => good, 1],
    ['well-formed, wrong', () => good.slice(0, -1) + (good.endsWith('0') ? '1' : '0'), 1],
    ['well-formed, another secret', () => createHmac('sha256', 'other').update(body).digest('hex'), 1],
    ['not a 32-byte hex digest', () => good.slice(0, 62), 0],
  ])('%s: compared in constant time when it has the digest’s length (%#)', (_name, signature, calls) => {
    timingSafeEqual.mockClear();
    const answer = verifyWebexSignature(body, signature(), secret);
    expect(timingSafeEqual).toHaveBeenCalledTimes(calls);
    // Malformed signatures are refused before any comparison; the others get exactly timingSafeEqual's answer.
    expect(answer).toBe(calls === 0 ? false : timingSafeEqual.mock.results[0]!.value);
  });

  it.each([
    ['equal', good, true],
    ['upper-case hex', good.toUpperCase(), true],
    ['surrounding spaces', ` ${good} `, true],
    ['one nibble changed', good.slice(0, -1) + (good.endsWith('0') ? '1' : '0'), false],
    ['shorter', good.slice(0, 62), false],
    ['longer', good + '00', false],
    ['not hex', 'z'.repeat(64), false],
    ['base64 of the right digest', Buffer.from(good, 'hex').toString('base64'), false],
    ['empty', '', false],
    ['missing', undefined, false],
    ['the secret itself', secret, false],
  ])('%s → %s', (_name, signature, want) => {
    expect(verifyWebexSignature(body, signature, secret)).toBe(want);
  });

  it('a signature for other bytes or another secret is refused', () => {
    expect(verifyWebexSignature(Buffer.concat([body, Buffer.from(' ')]), good, secret)).toBe(false);
    expect(verifyWebexSignature(body, good, `${secret}x`)).toBe(false);
  });
});
