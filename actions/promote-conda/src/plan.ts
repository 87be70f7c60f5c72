/**
 * The promotion as a plan: one copy per file of each package's release on the source owner whose
 * platform was asked for. A file already at the destination with the same checksum is skipped; one
 * with the same name and other bytes is a conflict.
 */
import { ConfigurationError } from '@release-actions/core/runtime/errors';
import type { Operation, Plan } from '@release-actions/core/runtime/plan';
import type { RequestedPackage } from '@release-actions/core/release/selection';
import { AnacondaError, isUncertain, type AnacondaClient, type CondaDist } from './anaconda.js';
import type { Inputs } from './inputs.js';

export interface CopyData {
  package: string;
  version: string;
  basename: string;
  sha256?: string;
  md5: string;
  size: number;
}

/** Same bytes: sha256 when both sides have it, else md5; and the size. */
export function sameFile(
  a: Pick<CondaDist, 'sha256' | 'md5' | 'size'>,
  b: Pick<CondaDist, 'sha256' | 'md5' | 'size'>,
): boolean {
  const digest = a.sha256 && b.sha256 ? a.sha256 === b.sha256 : a.md5 === b.md5;
  return digest && a.size === b.size;
}

const checksum = (d: Pick<CondaDist, 'sha256' | 'md5'>): string => (d.sha256 ? `sha256 ${d.sha256}` : `md5 ${d.md5}`);

async function packageOperations(
  client: AnacondaClient,
  inputs: Inputs,
  p: RequestedPackage,
): Promise<Operation<CopyData>[]> {
  const version = p.versionText;
  const source = await client.release(inputs.from.owner, p.spelled, version);
  const wanted = (source ?? []).filter(
    (d) => inputs.platforms.includes(d.subdir) && d.labels.includes(inputs.from.label),
  );
  if (wanted.length === 0) {
    // a promotion that matches nothing is a mistake in what was asked, never a quiet success
    throw new ConfigurationError(
      `${inputs.from.owner}/${p.spelled}/${version} has no files on label ${inputs.from.label} for ${inputs.platforms.join(', ')}${source ? '' : ' (no such release)'}`,
    );
  }
  const present = new Map(
    ((await client.release(inputs.to.owner, p.spelled, version)) ?? []).map((d) => [d.basename, d]),
  );
  return wanted.map((d) => {
    const there = present.get(d.basename);
    const action = !there ? 'create' : sameFile(d, there) ? 'skip' : 'conflict';
    return {
      id: `copy ${p.spelled}/${version}/${d.basename}`,
      kind: 'copy-conda-file',
      target: `${inputs.to.owner}/${p.spelled}/${version}/${d.basename}`,
      action,
      reason:
        action === 'create'
          ? `from ${inputs.from.owner}/${inputs.from.label}`
          : action === 'skip'
            ? `already there (${checksum(d)})`
            : `already there with other bytes: ${checksum(there!)}, ${there!.size} bytes; the source has ${checksum(d)}, ${d.size} bytes`,
      bytes: d.size,
      data: {
        package: p.spelled,
        version,
        basename: d.basename,
        ...(d.sha256 ? { sha256: d.sha256 } : {}),
        md5: d.md5,
        size: d.size,
      },
    };
  });
}

export async function planPromotion(client: AnacondaClient, inputs: Inputs): Promise<Plan<CopyData>> {
  const operations: Operation<CopyData>[] = [];
  for (const p of inputs.packages) operations.push(...(await packageOperations(client, inputs, p)));
  return { action: 'promote-conda', operations };
}

/**
 * Copies one file and reads it back from the destination. An answer that may have been lost (5xx,
 * dropped connection) or a 409 is settled by looking at the destination, never by copying again.
 */
export async function copyAndVerify(
  client: AnacondaClient,
  inputs: Inputs,
  data: CopyData,
): Promise<Record<string, string | number>> {
  try {
    await client.copy(inputs.from, inputs.to, data.package, data.version, data.basename);
  } catch (e) {
    if (!isUncertain(e) && !(e instanceof AnacondaError && e.status === 409)) throw e;
  }
  const landed = await client.dist(inputs.to.owner, data.package, data.version, data.basename);
  const where = `${inputs.to.owner}/${data.package}/${data.version}/${data.basename}`;
  if (!landed) throw new Error(`${where} is not there after the copy`);
  if (!sameFile(landed, data)) {
    throw new Error(`${where} does not match its source after the copy: ${checksum(landed)}, ${landed.size} bytes`);
  }
  return { ...(landed.sha256 ? { sha256: landed.sha256 } : {}), md5: landed.md5, size: landed.size };
}
