import { cleanUpAfterFailure } from './cleanup.js';

async function logOf(fn: () => Promise<unknown>): Promise<string> {
  let log = '';
  const write = process.stdout.write;
  process.stdout.write = ((chunk: string | Uint8Array): boolean => {
    log += String(chunk);
    return true;
  }) as typeof process.stdout.write;
  try {
    await fn();
  } finally {
    process.stdout.write = write;
  }
  return log;
}

test('a clean-up that fails is reported as a warning naming what was left behind', async () => {
  const log = await logOf(() =>
    cleanUpAfterFailure('abort multipart upload u-1 of s3://b/k', async () => {
      throw new Error('AccessDenied');
    }),
  );
  expect(log).toContain('::warning::could not abort multipart upload u-1 of s3://b/k: AccessDenied; it is left behind');
});

test('a clean-up that succeeds says nothing, and never throws in place of the original error', async () => {
  let ran = false;
  const log = await logOf(() => cleanUpAfterFailure('abort', async () => void (ran = true)));
  expect(ran).toBe(true);
  expect(log).toBe('');
});
