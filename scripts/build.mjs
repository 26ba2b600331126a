// Bundles the CLI into dist/ so start-up reads a few files instead of hundreds from node_modules
// (SPEC §12: separate ESM files cost ~2.4x bare node, one bundle ~1.6x). Commands are split into
// chunks loaded on demand, so `--help` never parses the zod schemas or the generator.
import { build } from 'esbuild';
import { readFileSync, rmSync } from 'node:fs';

const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8'));

rmSync(new URL('../dist', import.meta.url), { recursive: true, force: true });

await build({
  entryPoints: { cli: 'src/cli.ts' },
  outdir: 'dist',
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  sourcemap: true,
  chunkNames: 'chunks/[name]-[hash]',
  logLevel: 'warning',
  // commander is CommonJS: its bundled require() of node builtins needs a real require in ESM.
  banner: {
    js: "import { createRequire as __tsdsCreateRequire } from 'node:module'; const require = __tsdsCreateRequire(import.meta.url);",
  },
  define: { PACKAGE_VERSION: JSON.stringify(pkg.version) },
  // Cloud SDKs are optional peers: never bundled, always imported lazily by their store.
  external: ['@google-cloud/*', '@aws-sdk/*', '@azure/*'],
});
