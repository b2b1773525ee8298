import { z } from 'zod';
import { SYNC_MODES } from '../domain/mapping.js';
import { TEAMS_STATES } from '../domain/presence.js';

/**
 * The one schema for mapping profiles: files in mappings/, API bodies and imports. A rule names its idle code by
 * id (as stored) or by name (portable presets, resolved against the contact center's codes on import).
 */
export const mappingRuleSchema = z
  .object({
    teamsState: z.enum(TEAMS_STATES),
    idleCodeId: z.string().min(1).max(64).optional(),
    idleCodeName: z.string().min(1).max(80).optional(),
  })
  .strict()
  .refine((r) => Boolean(r.idleCodeId) !== Boolean(r.idleCodeName), {
    message: 'give exactly one of idleCodeId or idleCodeName',
  });

export const profileBodySchema = z
  .object({
    id: z
      .string()
      .regex(/^[a-z0-9][a-z0-9-]{0,62}$/, 'lowercase letters, digits and dashes, at most 63 characters')
      .optional(),
    name: z.string().trim().min(1).max(100),
    description: z.string().max(500).optional(),
    vendor: z.string().max(40).optional(),
    source: z.string().max(200).optional(),
    rules: z
      .array(mappingRuleSchema)
      .max(TEAMS_STATES.length)
      .refine((rules) => new Set(rules.map((r) => r.teamsState)).size === rules.length, {
        message: 'each Teams state may appear only once',
      }),
    settleDelayMs: z.number().int().min(0).max(600_000).default(3000),
    syncMode: z.enum(SYNC_MODES).default('teams-to-cc'),
    releaseOnDisable: z.boolean().default(true),
  })
  .strict();

export type ProfileBody = z.infer<typeof profileBodySchema>;
export type MappingRuleBody = z.infer<typeof mappingRuleSchema>;

/** JSON Schema of a profile file, for editors and other tools (mappings/profile.schema.json). */
export function profileJsonSchema(): unknown {
  return z.toJSONSchema(profileBodySchema, { io: 'input' });
}
