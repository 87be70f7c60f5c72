import { cellKey, parseExpectMatrix, type Cell } from '@release-actions/core/release/matrix';
import { fakeSha, type CiCommit, type CiHistory, type JobResult } from '@release-actions/testkit/github/workflow-runs';

/** Nightly CI histories shaped like PyTorch's, for the check's tests. */

export type Workflows = Record<string, Record<string, JobResult>>;

const DAY = 86_400_000;

/** A nightly every day at 03:00 UTC, the newest on `newest`; `day` 0 is the newest commit. */
export function nightlies(
  repo: string,
  days: number,
  workflowsOn: (day: number) => Workflows,
  opts: { ref?: string; newest?: string } = {},
): CiHistory {
  const [owner, name] = repo.split('/') as [string, string];
  const newest = Date.parse(opts.newest ?? '2026-12-01T03:00:00Z');
  const commits: CiCommit[] = Array.from({ length: days }, (_, day) => ({
    sha: fakeSha(`${repo}@${opts.ref ?? 'nightly'}#${day}`),
    time: new Date(newest - day * DAY).toISOString().replace('.000Z', 'Z'),
    title: `${new Date(newest - day * DAY).toISOString().slice(0, 10)} nightly release (${fakeSha(`main#${day}`)})`,
    workflows: workflowsOn(day),
  }));
  return { owner, repo: name, ref: opts.ref ?? 'nightly', commits };
}

export const shaOf = (h: CiHistory, day: number): string => h.commits[day]!.sha;

/** A small project's CI: a binary build, a test workflow with sharded and unstable jobs, docs. */
export function greenWorkflows(): Workflows {
  return {
    'linux-binary-manywheel': {
      'manywheel-py3_12-cpu-build / build': 'success',
      'manywheel-py3_12-cpu-test / test': 'success',
      'manywheel-py3_12-cpu-upload / upload': 'skipped',
      'manywheel-py3_13-cpu-build / build': 'success',
      'manywheel-py3_13-cpu-test / test': 'success',
      'manywheel-py3_12-cuda12_6-build / build': 'success',
      'manywheel-py3_12-cuda12_6-test / test': 'success',
      'manywheel-py3_13-cuda12_6-build / build': 'success',
      'manywheel-py3_13-cuda12_6-test / test': 'success',
    },
    trunk: {
      'linux-jammy-py3.10-gcc11 / build': 'success',
      'linux-jammy-py3.10-gcc11 / test (default, 1, 3, linux.2xlarge)': 'success',
      'linux-jammy-py3.10-gcc11 / test (default, 2, 3, linux.2xlarge)': 'success',
      'linux-jammy-py3.10-gcc11 / test (default, 3, 3, linux.2xlarge)': 'success',
      'linux-jammy-rocm-py3.10 / test (default, 1, 2, linux.rocm.gpu.2) [unstable]': 'success',
    },
    docs: { 'build-docs-python-true': 'success' },
  };
}

export function withJob(workflows: Workflows, workflow: string, job: string, result: JobResult): Workflows {
  return { ...workflows, [workflow]: { ...workflows[workflow], [job]: result } };
}

/** PyTorch's release matrix of today (test-infra generate_binary_build_matrix.py, release channel). */
export const PYTORCH_RELEASE_MATRIX = `os=linux,windows,macos; arch=x86_64,aarch64; accelerator=cpu,cu126,cu130,cu132,rocm7.1,rocm7.2,xpu; python=nep29,3.10,3.14t
linux/aarch64: accelerator=cpu,cu126,cu130,cu132
windows/x86_64: accelerator=cpu,cu126,cu130,cu132,xpu
windows/arm64: accelerator=cpu; python=3.11,3.12,3.13
macos: arch=arm64; accelerator=cpu`;

const WORKFLOW_OF: Record<string, string> = {
  'linux/x86_64': 'linux-binary-manywheel',
  'linux/aarch64': 'linux-aarch64-binary-manywheel',
  'windows/x86_64': 'windows-binary-wheel',
  'windows/aarch64': 'windows-arm64-binary-wheel',
  'macos/aarch64': 'macos-arm64-binary-wheel',
};

/** The build, test and upload jobs PyTorch's generated binary workflows run for one cell. */
export function binaryJobs(cell: Cell): Array<[workflow: string, job: string]> {
  const py = `py${cell.python.replace('.', '_')}`;
  const cuda = /^cu(\d+)(\d)$/.exec(cell.accelerator);
  const rocm = /^rocm(\d+)\.(\d+)$/.exec(cell.accelerator);
  const aarch64 = cell.os === 'linux' && cell.arch === 'aarch64';
  const acc = cuda
    ? `cuda${aarch64 ? '-aarch64-' : ''}${cuda[1]}_${cuda[2]}`
    : rocm
      ? `rocm${rocm[1]}_${rocm[2]}`
      : `${cell.accelerator}${aarch64 ? '-aarch64' : ''}`;
  const prefix = `${cell.os === 'linux' ? 'manywheel' : 'wheel'}-${py}-${acc}`;
  const workflow = WORKFLOW_OF[`${cell.os}/${cell.arch}`]!;
  return (['build', 'test', 'upload'] as const).map((step) => [workflow, `${prefix}-${step} / ${step}`]);
}

/** Every binary job of PyTorch's release matrix on `releaseDate`, all green (uploads skipped, as on PRs). */
export function releaseMatrixWorkflows(
  releaseDate: string,
  leaveOut: (cell: Cell) => boolean = () => false,
): Workflows {
  const matrix = parseExpectMatrix('expect-matrix', PYTORCH_RELEASE_MATRIX, new Date(`${releaseDate}T00:00:00Z`));
  const workflows: Workflows = {};
  for (const cell of matrix.cells) {
    if (leaveOut(cell)) continue;
    for (const [workflow, job] of binaryJobs(cell)) {
      (workflows[workflow] ??= {})[job] = job.endsWith('upload') ? 'skipped' : 'success';
    }
  }
  workflows['linux-binary-libtorch'] = { 'libtorch-cpu-shared-with-deps-release-build / build': 'success' };
  return workflows;
}

export { cellKey };
