import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { MOMENTUM_DARK, MOMENTUM_LIGHT, MOMENTUM_TYPOGRAPHY } from '../../widget/momentum-theme.js';

const tokensDir = join(dirname(createRequire(import.meta.url).resolve('@momentum-design/tokens/package.json')), 'dist', 'css');

/** `--mds-name: value;` declarations of one of the package's stylesheets. */
function declarations(file: string): Map<string, string> {
  const css = readFileSync(join(tokensDir, file), 'utf8');
  return new Map([...css.matchAll(/--mds-([a-z0-9-]+):\s*([^;]+);/g)].map((m) => [m[1]!, m[2]!.trim()]));
}

describe('the Momentum tokens copied into the components match @momentum-design/tokens', () => {
  it.each([
    ['light', MOMENTUM_LIGHT, 'theme/webex/light-stable.css'],
    ['dark', MOMENTUM_DARK, 'theme/webex/dark-stable.css'],
    ['typography', MOMENTUM_TYPOGRAPHY, 'typography/complete.css'],
  ] as const)('%s', (_name, copied, file) => {
    const source = declarations(file);
    const differences = Object.entries(copied)
      .filter(([name, value]) => source.get(name) !== value)
      .map(([name, value]) => `${name}: ${value} here, ${source.get(name) ?? 'absent'} in the package`);
    expect(differences).toEqual([]);
  });

  it('light and dark define the same tokens', () => {
    expect(Object.keys(MOMENTUM_DARK).sort()).toEqual(Object.keys(MOMENTUM_LIGHT).sort());
  });
});
