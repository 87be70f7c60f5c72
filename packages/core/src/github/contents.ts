import type { GitHubClient } from './client.js';
import { fullName, type RepositoryRef } from './repository.js';

/**
 * A file's text at a ref through the contents API, or undefined when the path is not there. A
 * directory at that path, or a ref that does not exist, is an error worth its own message.
 */
export async function readFileAt(
  client: GitHubClient,
  repo: RepositoryRef,
  path: string,
  ref: string,
): Promise<string | undefined> {
  let data: unknown;
  try {
    ({ data } = await client.rest.repos.getContent({ ...repo, path, ref }));
  } catch (e) {
    const status = (e as { status?: number }).status;
    const message = (e as { response?: { data?: { message?: string } } }).response?.data?.message ?? '';
    if (status === 404 && /^No commit found for the ref/.test(message)) {
      throw new Error(`${fullName(repo)} has no branch or tag "${ref}"`, { cause: e });
    }
    if (status === 404) return undefined;
    throw e;
  }
  const file = data as { type?: string; content?: string; encoding?: string };
  if (Array.isArray(data) || file.type !== 'file') {
    throw new Error(
      `${fullName(repo)}:${ref}/${path} is a ${Array.isArray(data) ? 'directory' : file.type}, not a file`,
    );
  }
  // files over 1 MB come without content (encoding "none"); the pages read here are far smaller
  if (file.encoding !== 'base64' || file.content === undefined) {
    throw new Error(`${fullName(repo)}:${ref}/${path} is too large to read through the contents API`);
  }
  return Buffer.from(file.content, 'base64').toString('utf8');
}
