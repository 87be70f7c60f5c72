// Bundles the action whose directory it runs in (`pnpm build` runs it in each actions/<name>) into
// dist/: index.js, an ES module; package.json, which says so; licenses.txt, the license of every
// package whose code the bundle holds.
import { build, type Metafile, type Plugin } from 'esbuild';
import { readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';

const OUT = 'dist';

/**
 * @actions/core imports @actions/http-client, and with it undici, only for getIDToken, which no action
 * calls. Neither package says it is free of side effects, so the bundler would keep about 800 KB that
 * every start of every action parses and runs; declared so here, they stay out unless imported for use.
 */
const UNUSED_WITHOUT_EFFECTS = /^(undici|@actions\/http-client)$/;

const dropWhenUnused: Plugin = {
  name: 'drop-when-unused',
  setup(b) {
    b.onResolve({ filter: UNUSED_WITHOUT_EFFECTS }, async (args) => {
      if (args.pluginData === 'resolving') return undefined;
      const found = await b.resolve(args.path, {
        kind: args.kind,
        importer: args.importer,
        resolveDir: args.resolveDir,
        pluginData: 'resolving',
      });
      return { ...found, sideEffects: false };
    });
  },
};

rmSync(OUT, { recursive: true, force: true });
// Fails (throws) on any build error.
const { metafile } = await build({
  entryPoints: ['src/index.ts'],
  outfile: `${OUT}/index.js`,
  bundle: true,
  platform: 'node',
  format: 'esm',
  // The tests also run the bundles on Node 20, the oldest Node the project supports.
  target: 'node20',
  // The ES module builds first: from them the bundler keeps only what is used (an SDK client's
  // CommonJS build brings every one of its commands).
  mainFields: ['module', 'main'],
  // CommonJS dependencies require() Node's built-ins, and an ES module has no `require` of its own.
  banner: { js: "import { createRequire } from 'node:module'; const require = createRequire(import.meta.url);" },
  plugins: [dropWhenUnused],
  metafile: true,
  logLevel: 'warning',
});
writeFileSync(`${OUT}/package.json`, `${JSON.stringify({ type: 'module' }, null, 2)}\n`);
writeFileSync(`${OUT}/licenses.txt`, licenses(metafile));

/** `name`, license, license text, for each package with code in the bundle, by name. */
function licenses(meta: Metafile): string {
  const packages = new Map<string, string>();
  for (const output of Object.values(meta.outputs)) {
    for (const [input, { bytesInOutput }] of Object.entries(output.inputs)) {
      const dir = packageDir(input);
      if (bytesInOutput > 0 && dir && !packages.has(dir)) packages.set(dir, licenseEntry(dir));
    }
  }
  return [...new Set(packages.values())].sort().join('\n');
}

function packageDir(input: string): string | undefined {
  const m = /^(.*\/node_modules\/(?:@[^/]+\/)?[^/]+)\//.exec(input);
  return m?.[1];
}

function licenseEntry(dir: string): string {
  const manifest = JSON.parse(readFileSync(path.join(dir, 'package.json'), 'utf8')) as {
    name: string;
    license?: string;
  };
  const file = readdirSync(dir)
    .sort()
    .find((f) => /^(licen[cs]e|copying)(\.|$)/i.test(f));
  const text = file ? readFileSync(path.join(dir, file), 'utf8').trim() : '(no license file in the package)';
  return `${manifest.name}\n${manifest.license ?? '(no license field)'}\n${text}\n`;
}
