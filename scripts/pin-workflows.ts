// Pins this repository's reusable workflows and examples to one release: every
// `pytorch/release-actions/<path>@main` in .github/workflows/ and examples/ becomes `@<tag>`, so the
// commit tagged <tag> runs exactly the actions of <tag>. Usage: npx tsx scripts/pin-workflows.ts v1.2.0
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { pinWorkflows } from './lib/pin-workflows.js';

const [tag, rootArg] = process.argv.slice(2);
if (!tag || !/^v\d+\.\d+\.\d+$/.test(tag)) {
  console.error(`usage: pin-workflows.ts vMAJOR.MINOR.PATCH; got ${tag ?? 'nothing'}`);
  process.exit(1);
}
const root = rootArg ?? path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
for (const { file, count } of pinWorkflows(root, tag))
  console.log(`${path.relative(root, file)}: ${count} reference(s) -> @${tag}`);
