import { GetObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { configuredS3Endpoint, createLinkSigner } from '../../shared/audit/export-link';

const credentials = {
  accessKeyId: 'AKIDEXAMPLE',
  secretAccessKey: 'wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY',
  sessionToken: 'token/with+special=chars',
};
const signingDate = new Date('2026-11-23T01:02:03Z');
const exportKey = 'exports/01JD2Q3V4W5X6Y7Z8A9B0C1D2E/01JD2Q3V4W5X6Y7Z8A9B0C1D2F.csv';

/** What `getSignedUrl` with an S3 client (the previous implementation) gives for the same GET. */
function withS3Client(region: string, bucket: string, key: string, expiresIn: number): Promise<string> {
  const s3 = new S3Client({ region, credentials });
  return getSignedUrl(s3, new GetObjectCommand({ Bucket: bucket, Key: key }), { expiresIn, signingDate });
}

function withLinkSigner(region: string, bucket: string, key: string, expiresIn: number): Promise<string> {
  const { sha256 } = new S3Client({ region, credentials }).config;
  return createLinkSigner({ credentials, region, sha256 })(bucket, key, expiresIn, signingDate);
}

describe('presigned export links without an S3 client', () => {
  afterEach(() => vi.unstubAllEnvs());

  const cases: { name: string; region: string; endpoint?: string; bucket?: string; key?: string }[] = [
    { name: 'AWS, virtual-hosted', region: 'eu-west-1' },
    { name: 'AWS us-east-1 (regional endpoint)', region: 'us-east-1' },
    { name: 'AWS China partition', region: 'cn-north-1' },
    { name: 'the local emulator (an IP literal: path-style)', region: 'us-east-1', endpoint: 'http://127.0.0.1:4569' },
    {
      name: 'a custom endpoint with a host name (virtual-hosted)',
      region: 'us-east-1',
      endpoint: 'http://localhost:4569',
    },
    { name: 'a bucket with dots (path-style)', region: 'eu-west-1', bucket: 'exports.example.org' },
    { name: 'a key with characters to escape', region: 'eu-west-1', key: "exports/a b+c/(1)*!'~ü.csv" },
  ];
  for (const c of cases) {
    it(`is the URL getSignedUrl gives: ${c.name}`, async () => {
      // Both read the endpoint from the environment, as in Lambda and in the local stack.
      vi.stubEnv('AWS_ENDPOINT_URL', '');
      vi.stubEnv('AWS_ENDPOINT_URL_S3', c.endpoint ?? '');
      vi.stubEnv('AWS_IGNORE_CONFIGURED_ENDPOINT_URLS', 'false');
      const bucket = c.bucket ?? 'users-and-roles-dev-exportbucket-1a2b3c4d5e6f';
      const key = c.key ?? exportKey;
      const expected = await withS3Client(c.region, bucket, key, 900);
      expect(await withLinkSigner(c.region, bucket, key, 900)).toBe(expected);
      expect(new URL(expected).searchParams.get('X-Amz-Expires')).toBe('900');
    });
  }

  it('reads the endpoint as the SDK does: S3-specific first, then the global one, unless told to ignore them', () => {
    expect(
      configuredS3Endpoint({ AWS_ENDPOINT_URL_S3: 'http://127.0.0.1:1', AWS_ENDPOINT_URL: 'http://127.0.0.1:2' }),
    ).toBe('http://127.0.0.1:1');
    expect(configuredS3Endpoint({ AWS_ENDPOINT_URL: 'http://127.0.0.1:2' })).toBe('http://127.0.0.1:2');
    expect(
      configuredS3Endpoint({ AWS_ENDPOINT_URL: 'http://127.0.0.1:2', AWS_IGNORE_CONFIGURED_ENDPOINT_URLS: 'true' }),
    ).toBeUndefined();
    expect(configuredS3Endpoint({})).toBeUndefined();
  });
});
