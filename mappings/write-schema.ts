/**
 * Writes mappings/profile.schema.json from the zod profile schema, so editors validate preset files against the
 * same rules the server applies on load. Run: npx tsx mappings/write-schema.ts (a unit test keeps the two equal).
 */
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { profileJsonSchema } from '../server/mappings/profile-schema.js';

const target = fileURLToPath(new URL('./profile.schema.json', import.meta.url));
writeFileSync(target, `${JSON.stringify(profileJsonSchema(), null, 2)}\n`);
console.log(`wrote ${target}`);
