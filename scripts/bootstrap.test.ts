import { spawnSync } from 'node:child_process';
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * The availability check of scripts/bootstrap, run as bootstrap runs it (bash, `set -euo pipefail`)
 * against a fake `apt-cache` on PATH, so it needs no Debian machine.
 */

const here = path.dirname(fileURLToPath(import.meta.url));
let bin: string;
beforeEach(() => {
  bin = mkdtempSync(path.join(tmpdir(), 'fake-apt-'));
});
afterEach(() => rmSync(bin, { recursive: true, force: true }));

/** A fake apt-cache whose `policy` answer for each package is given; the candidate line comes first. */
function fakeAptCache(policies: Record<string, string>): void {
  const cases = Object.entries(policies)
    .map(([pkg, text]) => `  ${pkg}) cat <<'POLICY'\n${text}\nPOLICY\n  ;;`)
    .join('\n');
  writeFileSync(path.join(bin, 'apt-cache'), `#!/usr/bin/env bash\ncase "$2" in\n${cases}\nesac\n`);
  chmodSync(path.join(bin, 'apt-cache'), 0o755);
}

function unavailable(...packages: string[]): { stdout: string; status: number | null } {
  const script = `set -euo pipefail\nsource "${path.join(here, 'lib', 'debian-packages.sh')}"\nunavailable_packages "$@"`;
  const r = spawnSync('bash', ['-c', script, 'bash', ...packages], {
    encoding: 'utf8',
    env: { ...process.env, PATH: `${bin}:${process.env['PATH']}` },
  });
  return { stdout: r.stdout.trim(), status: r.status };
}

// A real policy lists every version table line; twine's runs to hundreds of lines on some mirrors.
const longPolicy = (pkg: string): string =>
  [
    `${pkg}:`,
    '  Installed: (none)',
    '  Candidate: 5.1.1-1',
    '  Version table:',
    ...Array.from(
      { length: 20_000 },
      (_, i) => `     5.1.${i} 500        500 http://deb.example/debian bookworm/main amd64 Packages`,
    ),
  ].join('\n');

test('a package with an install candidate is available, however long the policy printed after it', () => {
  fakeAptCache({ twine: longPolicy('twine'), rclone: longPolicy('rclone') });
  expect(unavailable('twine', 'rclone')).toEqual({ stdout: '', status: 0 });
});

test('a package without a candidate is named, the others are not', () => {
  fakeAptCache({ twine: longPolicy('twine'), awscli: 'awscli:\n  Installed: (none)\n  Candidate: (none)' });
  expect(unavailable('twine', 'awscli')).toEqual({ stdout: 'awscli', status: 0 });
});

test('a package apt-cache does not know at all is named', () => {
  fakeAptCache({});
  expect(unavailable('no-such-package')).toEqual({ stdout: 'no-such-package', status: 0 });
});
