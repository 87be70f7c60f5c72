import * as core from '@actions/core';

/**
 * Runs a clean-up after a failure (aborting a multipart upload, say) without hiding that failure:
 * the original error still propagates, and a clean-up that fails too is reported as a warning that
 * says what was left behind, instead of being swallowed.
 */
export async function cleanUpAfterFailure(what: string, cleanUp: () => Promise<unknown>): Promise<void> {
  try {
    await cleanUp();
  } catch (e) {
    core.warning(`could not ${what}: ${e instanceof Error ? e.message : String(e)}; it is left behind`);
  }
}
