// Validates every actions/*/action.yml against GitHub's action metadata schema and the project's runtime rules.
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { checkActions, EXPECTED_RUNS } from './lib/action-metadata.js';

const root = process.argv[2] ?? path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const { files, problems } = checkActions(root);
for (const p of problems) console.error(p);
if (problems.length > 0) {
  console.error(`action.yml check: ${problems.length} problem(s) in ${files.length} file(s)`);
  process.exit(1);
}
console.log(
  `action.yml check: ${files.length} file(s) valid (schema, runs.using ${EXPECTED_RUNS.using}, main ${EXPECTED_RUNS.main})`,
);
