/**
 * The issue's title and body: templates from the inputs with placeholders filled from the released
 * packages, as the release managers have written these issues by hand.
 */
import { ConfigurationError } from '@release-actions/core/runtime/errors';
import type { RequestedPackage } from '@release-actions/core/release/selection';

/** Where each package's release notes live; others link to their PyPI page. */
const RELEASE_REPOS: Record<string, string> = {
  torch: 'pytorch/pytorch',
  torchvision: 'pytorch/vision',
  torchaudio: 'pytorch/audio',
  torchtext: 'pytorch/text',
  torchdata: 'pytorch/data',
  torchao: 'pytorch/ao',
  torchrec: 'pytorch/torchrec',
};

const DISPLAY_NAMES: Record<string, string> = { torch: 'PyTorch' };

export type Placeholders = Record<string, string>;

const displayName = (p: RequestedPackage): string => DISPLAY_NAMES[p.name] ?? p.spelled;

export function releaseNotesUrl(p: RequestedPackage): string {
  const repo = RELEASE_REPOS[p.name];
  return repo
    ? `https://github.com/${repo}/releases/tag/v${p.versionText}`
    : `https://pypi.org/project/${p.spelled}/${p.versionText}/`;
}

/** The values of every placeholder but `{similar}`, which needs the tracker's history. */
export function placeholders(packages: RequestedPackage[]): Placeholders {
  return {
    upgrades: packages.map((p) => `${displayName(p)} to v${p.versionText}`).join(' and '),
    version: packages[0]!.versionText,
    versions: packages.map((p) => `- ${p.spelled} ${p.versionText}`).join('\n'),
    'pip-install': `pip install ${packages.map((p) => `${p.spelled}==${p.versionText}`).join(' ')}`,
    'release-notes': packages.map((p) => `- ${displayName(p)}: ${releaseNotesUrl(p)}`).join('\n'),
    similar: '',
  };
}

export function similarLine(previous: { number: number } | undefined): string {
  return previous ? `Similar to #${previous.number}` : '';
}

/** Fills `{name}` placeholders; an unknown one is the template's mistake, named with the input. */
export function fill(input: string, template: string, values: Placeholders): string {
  const text = template.replace(/\{([a-z][a-z-]*)\}/g, (whole, name: string) => {
    const value = values[name];
    if (value === undefined) {
      throw new ConfigurationError(
        `input "${input}": unknown placeholder ${whole}; expected one of ${Object.keys(values)
          .map((k) => `{${k}}`)
          .join(', ')}`,
      );
    }
    return value;
  });
  // an empty {similar} at the end should not leave blank lines behind
  return text.replace(/\s+$/, '');
}

/**
 * The words of a title before its first version (`Upgrading PyTorch to` for `Upgrading PyTorch to
 * v2.6.0 and ...`): what earlier issues of the same kind share.
 */
export function seriesPrefix(title: string): string {
  const words = title.trim().split(/\s+/);
  const first = words.findIndex((w) => /\d/.test(w));
  return (first < 0 ? words : words.slice(0, first)).join(' ');
}
