// s3rver ships no types; only what testkit uses is declared.
declare module 's3rver' {
  import type { IncomingMessage, ServerResponse } from 'node:http';

  interface S3rverOptions {
    directory?: string;
    silent?: boolean;
    vhostBuckets?: boolean;
    allowMismatchedSignatures?: boolean;
    resetOnClose?: boolean;
    configureBuckets?: Array<{ name: string; configs?: string[] }>;
  }

  interface FilesystemStore {
    putBucket(name: string): Promise<unknown>;
    putObject(object: unknown): Promise<{ size: number; md5: string }>;
    getResourcePath(bucket: string, key: string | undefined, resource: string): string;
  }

  class S3rver {
    constructor(options?: S3rverOptions);
    store: FilesystemStore;
    configureBuckets(): Promise<void>;
    callback(): (req: IncomingMessage, res: ServerResponse) => void;
    logger: { close(): void; exceptions: { unhandle(): void } };
  }
  export default S3rver;
}

declare module 's3rver/lib/models/object.js' {
  import type { Readable } from 'node:stream';
  class S3Object {
    constructor(bucket: string, key: string, content: Readable | Buffer | null, metadata: Record<string, string>);
  }
  export default S3Object;
}

declare module 's3rver/lib/models/account.js' {
  const AWSAccount: { DUMMY_ACCOUNT: { createKeyPair(accessKeyId: string, secretAccessKey: string): void } };
  export default AWSAccount;
}
