import type * as G from '@microsoft/microsoft-graph-types';
import type { PresenceJson } from '../../emulators/graph/presence-store.js';

/**
 * Type-level contract, checked by `tsc --noEmit` (part of `npm test`): the emulator's typed presence answer uses
 * only property names Graph's own types (@microsoft/microsoft-graph-types) define for `presence`, with compatible
 * types. `statusMessage` is typed `unknown` in the emulator (it stores what the client sent) and is checked at run
 * time instead, on real answers, in graph-sdk-contract.test.ts.
 */
type NoExtraKeys<T extends never> = T;

export type PresenceHasOnlyGraphProperties = NoExtraKeys<Exclude<keyof PresenceJson, keyof G.Presence>>;
export type OutOfOfficeHasOnlyGraphProperties = NoExtraKeys<Exclude<keyof PresenceJson['outOfOfficeSettings'], keyof G.OutOfOfficeSettings>>;

export const presenceFitsGraph = (p: Omit<PresenceJson, 'statusMessage'>): G.Presence => p;
