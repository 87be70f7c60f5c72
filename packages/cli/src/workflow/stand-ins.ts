import { cpSync, existsSync, mkdirSync } from 'node:fs';
import { basename, isAbsolute, join } from 'node:path';
import { WorkflowError } from './parse.js';

/**
 * Third-party actions a release workflow uses, stood in by name: what each does to the job (files,
 * environment, outputs) without the outside world. The run lists every step that was stood in.
 */

export interface StandInCall {
  with: Record<string, string>;
  /** The job's effective `permissions:`. */
  permissions: Record<string, string>;
  /** Variables the machine running the rehearsal provides (the stand-ins' credentials). */
  runnerEnv: Record<string, string>;
  artifactsDir: string;
  workspace: string;
}

export interface StandInResult {
  /** What the step did, for the run's summary. */
  note: string;
  outputs?: Record<string, string>;
  /** Variables exported to the job's later steps ($GITHUB_ENV). */
  exportEnv?: Record<string, string>;
}

export interface StandIn {
  outputs: string[];
  run: (call: StandInCall) => StandInResult;
}

function required(call: StandInCall, action: string, input: string): string {
  const value = call.with[input] ?? '';
  if (value === '') throw new WorkflowError(`${action}: input "${input}" is required`);
  return value;
}

const checkout: StandIn = {
  outputs: ['ref', 'commit'],
  run: (call) => ({
    note: `checkout of ${call.with['repository'] || 'the workflow repository'} stood in (no files)`,
    outputs: { ref: call.with['ref'] ?? '', commit: '' },
  }),
};

/** Copies the paths (one per line) into the rehearsal's artifacts folder under the artifact's name. */
const uploadArtifact: StandIn = {
  outputs: ['artifact-id', 'artifact-url', 'artifact-digest'],
  run: (call) => {
    const name = call.with['name'] || 'artifact';
    const target = join(call.artifactsDir, name);
    const paths = (call.with['path'] ?? '')
      .split('\n')
      .map((p) => p.trim())
      .filter(Boolean);
    const found = paths.filter((p) => existsSync(isAbsolute(p) ? p : join(call.workspace, p)));
    if (found.length === 0 && call.with['if-no-files-found'] === 'error') {
      throw new WorkflowError(`upload-artifact ${name}: no files found at ${paths.join(', ') || '(no path)'}`);
    }
    mkdirSync(target, { recursive: true });
    for (const p of found) {
      const source = isAbsolute(p) ? p : join(call.workspace, p);
      cpSync(source, join(target, basename(source)), { recursive: true });
    }
    return {
      note: `artifact "${name}": ${found.length} of ${paths.length} path(s) kept in ${target}`,
      outputs: { 'artifact-id': name, 'artifact-url': `file://${target}`, 'artifact-digest': '' },
    };
  },
};

/** OIDC role assumption: needs `id-token: write`, exports the stand-ins' credentials. */
const configureAwsCredentials: StandIn = {
  outputs: ['aws-account-id', 'aws-access-key-id', 'aws-secret-access-key', 'aws-session-token', 'aws-expiration'],
  run: (call) => {
    const role = required(call, 'configure-aws-credentials', 'role-to-assume');
    const region = required(call, 'configure-aws-credentials', 'aws-region');
    if (call.permissions['id-token'] !== 'write') {
      throw new WorkflowError(
        `configure-aws-credentials: assuming ${role} through OIDC needs "permissions: id-token: write" on the job`,
      );
    }
    const keys = ['AWS_ACCESS_KEY_ID', 'AWS_SECRET_ACCESS_KEY', 'AWS_SESSION_TOKEN'];
    const exportEnv: Record<string, string> = { AWS_REGION: region, AWS_DEFAULT_REGION: region };
    for (const k of keys) if (call.runnerEnv[k]) exportEnv[k] = call.runnerEnv[k];
    return { note: `assumed ${role} in ${region} (stand-in credentials)`, exportEnv };
  },
};

export const STAND_INS: Record<string, StandIn> = {
  'actions/checkout': checkout,
  'actions/upload-artifact': uploadArtifact,
  'aws-actions/configure-aws-credentials': configureAwsCredentials,
};

export function standInFor(uses: string): StandIn {
  const name = uses.split('@')[0]!;
  const standIn = STAND_INS[name];
  if (!standIn) {
    throw new WorkflowError(
      `uses: ${uses}: no stand-in for this action; stood in here: ${Object.keys(STAND_INS).join(', ')}`,
    );
  }
  return standIn;
}
