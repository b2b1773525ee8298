import { defineConfig } from 'vitest/config';

/**
 * Builds each widget into one self-contained ES module (its socket.io client included) that an agent
 * desktop layout loads by URL. Tests run with Vitest from the same file.
 */
export default defineConfig({
  build: {
    outDir: 'dist/widget',
    emptyOutDir: true,
    target: 'es2022',
    lib: {
      entry: {
        'presence-agent-widget': 'widget/presence-agent-widget.ts',
        'presence-mapping-editor': 'widget/presence-mapping-editor.ts',
        'presence-connector-admin': 'widget/presence-connector-admin.ts',
        'presence-supervisor-console': 'widget/presence-supervisor-console.ts',
      },
      formats: ['es'],
    },
    rollupOptions: { output: { entryFileNames: '[name].js', chunkFileNames: 'chunks/[name]-[hash].js' } },
  },
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
