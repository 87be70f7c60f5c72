import { HeadObjectCommand } from '@aws-sdk/client-s3';
import { createServer, type AddressInfo, type Server, type Socket } from 'node:net';
import { createS3Client } from './client.js';

process.env['AWS_ACCESS_KEY_ID'] = 'key';
process.env['AWS_SECRET_ACCESS_KEY'] = 'secret';

describe('S3 client timeouts', () => {
  let silent: Server;
  let endpoint: string;
  const sockets: Socket[] = [];

  beforeAll(async () => {
    // Accepts connections and never answers, as a stuck endpoint would.
    silent = createServer((socket) => void sockets.push(socket));
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    endpoint = `http://127.0.0.1:${(silent.address() as AddressInfo).port}`;
  });

  afterAll(async () => {
    for (const s of sockets) s.destroy();
    await new Promise((resolve) => silent.close(resolve));
  });

  test('a request without an answer fails after the timeout, naming the host', async () => {
    const client = createS3Client({ endpointUrl: endpoint, maxAttempts: 1, idleTimeoutMs: 300 });
    const started = Date.now();
    try {
      await expect(client.send(new HeadObjectCommand({ Bucket: 'b', Key: 'k' }))).rejects.toThrow(
        `S3 request to ${endpoint.replace('http://', '')} timed out (silent for 0.3 s`,
      );
      expect(Date.now() - started).toBeLessThan(5_000);
    } finally {
      client.destroy();
    }
  });
});
