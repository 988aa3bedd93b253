import { createServer, request, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { StackLogger } from './log';

/**
 * The SES endpoint of the local stack: a pass-through in front of the SES emulator that can be told to be
 * down, for everyone or only for emails to some recipients (`POST /__local/faults/ses`). While down it
 * answers what an SES outage looks like to the SDK, a 503, so the real client, its retries and the stream
 * consumer's retries, DLQ and redrive are what a test exercises. A recipient filter keeps such an outage to
 * one test's addresses: the rest of the suite, running against the same stack at the same time, still sends.
 */
export interface SesFaultProxy {
  readonly url: string;
  /** `down: true` fails every SendEmail whose request names a recipient containing `recipientsContaining`
   * (case-insensitive), or every request when it is omitted; `down: false` lifts that same fault. */
  setFault(fault: { readonly down: boolean; readonly recipientsContaining?: string }): { readonly faults: number };
  close(): Promise<void>;
}

const EVERYONE = '';

export async function startSesFaultProxy(options: {
  readonly target: string;
  readonly log: StackLogger;
}): Promise<SesFaultProxy> {
  const target = new URL(options.target);
  /** Lower-cased recipient substrings SES is down for; EVERYONE for all requests. */
  const down = new Set<string>();

  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const body = Buffer.concat(chunks);
      const text = body.toString('utf8').toLowerCase();
      if (down.has(EVERYONE) || [...down].some((match) => text.includes(match))) {
        const message = JSON.stringify({ message: 'Service unavailable (local fault injected)' });
        res.writeHead(503, {
          'content-type': 'application/json',
          'x-amzn-errortype': 'ServiceUnavailable',
          'content-length': Buffer.byteLength(message),
        });
        res.end(message);
        return;
      }
      const forwarded = request(
        {
          host: target.hostname,
          port: target.port,
          method: req.method,
          path: req.url,
          headers: { ...req.headers, host: target.host },
        },
        (upstream) => {
          res.writeHead(upstream.statusCode ?? 502, upstream.headers);
          upstream.pipe(res);
        },
      );
      forwarded.on('error', (error) => {
        options.log.error('SES emulator unreachable through the fault proxy', { error: error.message });
        if (!res.headersSent) res.writeHead(502);
        res.end();
      });
      forwarded.end(body);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;

  return {
    url: `http://127.0.0.1:${port}`,
    setFault(fault) {
      const match = (fault.recipientsContaining ?? EVERYONE).toLowerCase();
      if (fault.down) down.add(match);
      else down.delete(match);
      options.log.info(fault.down ? 'SES fault injected' : 'SES fault lifted', {
        recipientsContaining: match || '(everyone)',
      });
      return { faults: down.size };
    },
    async close() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
