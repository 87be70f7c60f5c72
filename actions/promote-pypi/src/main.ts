import * as core from '@actions/core';
import { mintTrustedPublishingToken } from '@release-actions/core/pypi/trusted-publishing';
import type { Receipt } from '@release-actions/core/runtime/receipt';
import { createS3Client } from '@release-actions/core/s3/client';
import { readInputs } from './inputs.js';
import { promoteToPyPI } from './promote.js';

export async function main(receipt: Receipt): Promise<void> {
  const { password, endpointUrl, region, ...inputs } = readInputs();
  const s3 = createS3Client({ endpointUrl, region });
  const counts = await promoteToPyPI(receipt, {
    ...inputs,
    s3,
    credentials: async () => {
      if (password) return { username: '__token__', password };
      const token = await mintTrustedPublishingToken({
        indexUrl: inputs.indexUrl,
        getIdToken: (audience) => core.getIDToken(audience),
      });
      core.setSecret(token);
      return { username: '__token__', password: token };
    },
  }).finally(() => s3.destroy());
  receipt.setOutput('staged', counts.staged);
  receipt.setOutput('uploaded', counts.uploaded);
  receipt.setOutput('skipped', counts.skipped);
}
