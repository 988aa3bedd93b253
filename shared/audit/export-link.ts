import { S3RequestPresigner } from '@aws-sdk/s3-request-presigner';
import { dynamoDb } from '../clients';

/**
 * Presigned S3 GET links without an S3 client. `getSignedUrl` needs an `S3Client`, whose import costs
 * about 35 ms of module init (docs/PERFORMANCE.md, figure 1) for what is, here, a local computation:
 * an S3 URL and a SigV4 query signature. `S3RequestPresigner` signs an HTTP request given credentials,
 * a region and a SHA-256; we build the request as the S3 client would for `GetObject`, so the link is
 * the same, byte for byte (test/unit/export-link.test.ts compares the two):
 *
 * - endpoint: `AWS_ENDPOINT_URL_S3`, else `AWS_ENDPOINT_URL` (unless `AWS_IGNORE_CONFIGURED_ENDPOINT_URLS`),
 *   as the SDK reads them; path-style when its host is an IP address (the local emulator),
 *   virtual-hosted otherwise. Without one, `https://<bucket>.s3.<region>.amazonaws.com` (`.com.cn` in
 *   China). Buckets that cannot be a host label (dots, upper case) are addressed path-style. Not
 *   supported, because nothing of ours sets them: the shared config file's endpoints, FIPS, dual-stack,
 *   accelerate, access points.
 * - the query the S3 client adds to a GetObject (`x-id=GetObject`, and `x-amz-checksum-mode=ENABLED`,
 *   its default response checksum validation), signed with `X-Amz-Content-Sha256=UNSIGNED-PAYLOAD`.
 */

export interface LinkSignerConfig {
  readonly credentials: ConstructorParameters<typeof S3RequestPresigner>[0]['credentials'];
  readonly region: string | (() => Promise<string>);
  readonly sha256: ConstructorParameters<typeof S3RequestPresigner>[0]['sha256'];
  /** A custom endpoint such as `http://127.0.0.1:4569`; by default the one configured in the environment. */
  readonly endpoint?: string;
}

/** Signs `GET bucket/key` for `expiresInSeconds`; `signingDate` (default now) is for tests. */
export type PresignGet = (bucket: string, key: string, expiresInSeconds: number, signingDate?: Date) => Promise<string>;

/** RFC 3986 encoding as the SDK's `extendedEncodeURIComponent` (S3 key segments, query values). */
const encode = (value: string) =>
  encodeURIComponent(value).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);

const isIpAddress = (host: string) => /^\d{1,3}(\.\d{1,3}){3}$/.test(host) || host.startsWith('[');
/** A bucket name usable as one DNS label (what S3 calls virtual-hostable without sub-domains). */
const isHostLabel = (bucket: string) => /^[a-z0-9][a-z0-9-]{1,61}[a-z0-9]$/.test(bucket) && !isIpAddress(bucket);

/** The custom endpoint the SDK would give an S3 client, from the environment. */
export function configuredS3Endpoint(env: NodeJS.ProcessEnv = process.env): string | undefined {
  const ignore = env.AWS_IGNORE_CONFIGURED_ENDPOINT_URLS;
  if (ignore !== undefined && ignore !== 'true' && ignore !== 'false') {
    throw new Error(`AWS_IGNORE_CONFIGURED_ENDPOINT_URLS must be true or false, not ${ignore}`);
  }
  if (ignore === 'true') return undefined;
  return env.AWS_ENDPOINT_URL_S3 || env.AWS_ENDPOINT_URL || undefined;
}

export function createLinkSigner(config: LinkSignerConfig): PresignGet {
  const presigner = new S3RequestPresigner({
    credentials: config.credentials,
    region: config.region,
    sha256: config.sha256,
  });
  return async (bucket, key, expiresInSeconds, signingDate) => {
    const region = typeof config.region === 'string' ? config.region : await config.region();
    const custom = config.endpoint ?? configuredS3Endpoint();
    const base = custom
      ? new URL(custom)
      : new URL(`https://s3.${region}.amazonaws.com${region.startsWith('cn-') ? '.cn' : ''}`);
    const virtualHosted = isHostLabel(bucket) && !isIpAddress(base.hostname);
    const basePath = base.pathname.replace(/\/$/, '');
    const keyPath = key.split('/').map(encode).join('/');
    const presigned = await presigner.presign(
      {
        method: 'GET',
        protocol: base.protocol,
        hostname: virtualHosted ? `${bucket}.${base.hostname}` : base.hostname,
        port: base.port ? Number(base.port) : undefined,
        path: virtualHosted ? `${basePath}/${keyPath}` : `${basePath}/${bucket}/${keyPath}`,
        query: { 'x-id': 'GetObject' },
        headers: { 'x-amz-checksum-mode': 'ENABLED' },
      },
      { expiresIn: expiresInSeconds, signingDate },
    );
    // As the SDK's formatUrl: names sorted, RFC 3986 escaping (our values are all strings).
    const params = presigned.query ?? {};
    const query = Object.keys(params)
      .sort()
      .map((name) => `${encode(name)}=${encode(String(params[name]))}`)
      .join('&');
    const port = presigned.port ? `:${presigned.port}` : '';
    return `${presigned.protocol}//${presigned.hostname}${port}${presigned.path}?${query}`;
  };
}

/**
 * Signs with what the module-scope DynamoDB client resolved: the default credential chain (the same
 * an S3 client would resolve, and already cached), its region and its SHA-256.
 */
export const presignGet: PresignGet = createLinkSigner({
  credentials: dynamoDb.config.credentials,
  region: dynamoDb.config.region,
  sha256: dynamoDb.config.sha256,
});
