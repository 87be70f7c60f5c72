/**
 * The REST operations the GitHub stand-in serves, as GitHub's OpenAPI description names them.
 * `scripts/extract-openapi.ts` extracts exactly these into `openapi-subset.json`; adding a route to the
 * server means adding it here and re-running the script.
 */
export interface ServedOperation {
  method: 'GET' | 'POST' | 'PATCH' | 'PUT' | 'DELETE';
  /** The path template exactly as GitHub's OpenAPI description spells it. */
  path: string;
}

export const SERVED_OPERATIONS: readonly ServedOperation[] = [
  { method: 'GET', path: '/repos/{owner}/{repo}' },
  { method: 'GET', path: '/repos/{owner}/{repo}/git/ref/{ref}' },
  { method: 'GET', path: '/repos/{owner}/{repo}/git/matching-refs/{ref}' },
  { method: 'POST', path: '/repos/{owner}/{repo}/git/refs' },
  { method: 'PATCH', path: '/repos/{owner}/{repo}/git/refs/{ref}' },
  { method: 'GET', path: '/repos/{owner}/{repo}/contents/{path}' },
  { method: 'GET', path: '/repos/{owner}/{repo}/milestones' },
  { method: 'GET', path: '/repos/{owner}/{repo}/issues' },
  { method: 'POST', path: '/repos/{owner}/{repo}/issues' },
  { method: 'GET', path: '/repos/{owner}/{repo}/issues/{issue_number}' },
  { method: 'PATCH', path: '/repos/{owner}/{repo}/issues/{issue_number}' },
  { method: 'GET', path: '/search/issues' },
  { method: 'GET', path: '/repos/{owner}/{repo}/labels' },
  { method: 'GET', path: '/repos/{owner}/{repo}/pulls' },
  { method: 'POST', path: '/repos/{owner}/{repo}/pulls' },
  { method: 'GET', path: '/repos/{owner}/{repo}/pulls/{pull_number}' },
  { method: 'PATCH', path: '/repos/{owner}/{repo}/pulls/{pull_number}' },
  { method: 'GET', path: '/repos/{owner}/{repo}/actions/runs' },
  { method: 'GET', path: '/repos/{owner}/{repo}/actions/runs/{run_id}' },
  { method: 'GET', path: '/repos/{owner}/{repo}/actions/runs/{run_id}/jobs' },
];
