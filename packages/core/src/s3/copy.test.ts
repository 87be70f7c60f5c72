import { createHash } from 'node:crypto';
import { storedSha256 } from './copy.js';

test('the stated sha256: a full-object S3 checksum first, then checksum-sha256 metadata; never a composite', () => {
  const digest = createHash('sha256').update('x').digest();
  const hex = digest.toString('hex');
  const other = 'e'.repeat(64);
  const meta = { 'checksum-sha256': other.toUpperCase() };
  expect(storedSha256({ ChecksumSHA256: digest.toString('base64'), Metadata: meta, $metadata: {} })).toBe(hex);
  expect(storedSha256({ ChecksumSHA256: `${digest.toString('base64')}-3`, Metadata: meta, $metadata: {} })).toBe(other);
  expect(
    storedSha256({
      ChecksumSHA256: digest.toString('base64'),
      ChecksumType: 'COMPOSITE',
      Metadata: meta,
      $metadata: {},
    }),
  ).toBe(other);
  expect(storedSha256({ Metadata: { 'checksum-sha256': 'not-a-hash' }, $metadata: {} })).toBeUndefined();
});
