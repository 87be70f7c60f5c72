import { matchesRelease, parseArtifactName } from '@release-actions/core/release/artifact-name';
import { seedDigestSync } from './seed.js';
import { localLabel, releaseBucketLayout } from './release-layout.js';

const packages = { torch: '2.6.0', torchvision: '0.21.0', torchaudio: '2.6.0' };

describe('releaseBucketLayout', () => {
  const layout = releaseBucketLayout({ packages, decoys: true });

  test('release keys parse as their package and version, in every sub-folder and Python, plus root files and libtorch', () => {
    for (const [pkg, keys] of Object.entries(layout.releaseByPackage)) {
      const version = pkg === 'libtorch' ? packages.torch : packages[pkg as keyof typeof packages];
      // A wheel's PEP 658 metadata file is part of the release as its wheel is.
      for (const key of keys)
        expect(matchesRelease(parseArtifactName(key.replace(/\.metadata$/, ''))!, pkg, version)).toBe(true);
    }
    // 6 sub-folders: cpu has 4 platforms, cu118/cu124 have 2, the others 1 -> 11 builds x 4 Pythons + 2 at
    // the root, and one wheel's .metadata.
    expect(layout.releaseByPackage['torch']).toHaveLength(11 * 4 + 2 + 1);
    expect(layout.releaseByPackage['torch']!.filter((k) => k.endsWith('.whl.metadata'))).toHaveLength(1);
    expect(layout.releaseByPackage['libtorch']).toHaveLength(4 + 3 + 3 + 1 + 1);
    expect(layout.release).toContain(
      'whl/test/cu124_pypi_cudnn/torch-2.6.0+cu124.with.pypi.cudnn-cp310-cp310-linux_x86_64.whl',
    );
    expect(layout.release).toContain(
      'whl/test/cpu-cxx11-abi/torchaudio-2.6.0+cpu.cxx11.abi-cp312-cp312-linux_x86_64.whl',
    );
    expect(layout.release).toContain('whl/test/cpu/torchvision-0.21.0-cp39-cp39-macosx_11_0_arm64.whl');
    expect(layout.release).toContain('libtorch/test/rocm6.2/libtorch-cxx11-abi-shared-with-deps-2.6.0+rocm6.2.zip');
  });

  test('decoys never match the release; unparseable keys parse as nothing', () => {
    const release = new Set(layout.release);
    const decoys = layout.entries.filter((e) => !release.has(e.key));
    expect(decoys.length).toBeGreaterThan(layout.release.length);
    for (const d of decoys) {
      const a = parseArtifactName(d.key);
      if (!a) continue;
      const v = a.name === 'libtorch' ? packages.torch : packages[a.name as keyof typeof packages];
      if (v !== undefined) expect(matchesRelease(a, a.name, v)).toBe(false);
    }
    for (const k of layout.unparseable) expect(parseArtifactName(k)).toBeUndefined();
    expect(decoys.some((d) => d.key.includes('torch-2.6.0.dev'))).toBe(true);
    expect(decoys.some((d) => d.key.includes('torch-2.6.0rc1'))).toBe(true);
  });

  test("stored sha256 metadata states the body's true digest; scale adds decoys only", () => {
    const withSha = layout.entries.filter((e) => e.metadata?.['checksum-sha256']);
    expect(withSha.length).toBeGreaterThan(10);
    for (const e of withSha.slice(0, 5)) expect(e.metadata!['checksum-sha256']).toBe(seedDigestSync(e));
    const bigger = releaseBucketLayout({ packages, scale: 10 });
    expect(bigger.release).toEqual(layout.release);
    expect(bigger.entries.length).toBeGreaterThan(layout.entries.length * 2);
  });

  test('local labels follow the sub-folder', () => {
    expect(localLabel('cu124_pypi_cudnn')).toBe('cu124.with.pypi.cudnn');
    expect(localLabel('cpu-cxx11-abi')).toBe('cpu.cxx11.abi');
    expect(localLabel('rocm6.2')).toBe('rocm6.2');
  });
});
