import { build, type Plugin, type UserConfig } from 'vite';
import { defineConfig } from 'vitest/config';

/**
 * Each component is built into ONE self-contained file — Lit, the socket.io client, the Momentum parts and all six
 * languages inside, no relative chunk imports — as an IIFE, so it runs whether the Webex Desktop (or any page)
 * loads it as a classic `<script>` or as `<script type="module">`. The Desktop's own widgets ship the same way
 * (single-file UMD bundles). IIFE output cannot share chunks between entries, so the first entry is the main
 * build and the others are built right after it into the same folder. Tests run with Vitest from this file.
 */
export const WIDGET_ENTRIES = {
  'presence-agent-widget': 'widget/presence-agent-widget.ts',
  'presence-mapping-editor': 'widget/presence-mapping-editor.ts',
  'presence-connector-admin': 'widget/presence-connector-admin.ts',
  'presence-supervisor-console': 'widget/presence-supervisor-console.ts',
} as const;

const PRODUCTION_DEFINE = { 'process.env.NODE_ENV': '"production"' };
const PRODUCTION_CONDITIONS = ['module', 'browser', 'production'];

const globalName = (name: string): string => `TPC_${name.replace(/-/g, '_')}`;

/** Build options for one entry; `outDir` is the folder the main build was told to use. */
function widgetBuild(name: string, entry: string, outDir: string, emptyOutDir: boolean): UserConfig['build'] {
  return {
    outDir,
    emptyOutDir,
    target: 'es2022',
    lib: { entry, name: globalName(name), formats: ['iife'], fileName: () => `${name}.js` },
  };
}

const [mainName, mainEntry] = Object.entries(WIDGET_ENTRIES)[0]!;

/** Builds the remaining entries once the main bundle is written, into the same folder. */
function otherWidgets(): Plugin {
  let outDir = 'dist/widget';
  return {
    name: 'tpc-other-widgets',
    apply: 'build',
    // Only for builds: tests must keep the real NODE_ENV. A build started from a test run (NODE_ENV=test) would
    // otherwise resolve Lit's development export and ship its dev mode.
    config: () => ({ define: PRODUCTION_DEFINE, resolve: { conditions: PRODUCTION_CONDITIONS } }),
    configResolved(config) {
      outDir = config.build.outDir;
    },
    async closeBundle() {
      for (const [name, entry] of Object.entries(WIDGET_ENTRIES).slice(1)) {
        await build({
          configFile: false,
          logLevel: 'warn',
          define: PRODUCTION_DEFINE,
          resolve: { conditions: PRODUCTION_CONDITIONS },
          build: widgetBuild(name, entry, outDir, false),
        });
      }
    },
  };
}

export default defineConfig({
  plugins: [otherWidgets()],
  build: widgetBuild(mainName, mainEntry, 'dist/widget', true),
  test: {
    include: ['test/**/*.test.ts'],
    exclude: ['node_modules/**', 'dist/**'],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    pool: 'forks',
    maxWorkers: 2,
    fileParallelism: true,
  },
});
