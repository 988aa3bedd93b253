/**
 * The local stand-in for the console's CloudFront distribution: serves console/dist on loopback with the
 * same security headers (shared/console/security-headers.ts), `/config.json` from the running stack (CDK
 * writes the same file into the bucket at deploy), and index.html for any other path without a file
 * extension (the SPA fallback CloudFront does with its viewer-request function), so deep links such as
 * /accept-invite?token=… open the console.
 */
import { readFile, stat } from 'node:fs/promises';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { extname, join, normalize, sep } from 'node:path';
import { consoleContentSecurityPolicy, consoleSecurityHeaders } from '../../shared/console/security-headers';
import type { StackLogger } from './log';

export interface ConsoleRuntimeConfig {
  readonly apiUrl: string;
  readonly region: string;
  readonly cognito: { readonly endpoint: string; readonly userPoolId: string; readonly clientId: string };
}

export interface ConsoleServerOptions {
  readonly host: string;
  /** 0 picks a free port. */
  readonly port: number;
  readonly distDir: string;
  readonly config: ConsoleRuntimeConfig;
  readonly log: StackLogger;
}

export interface ConsoleServer {
  readonly url: string;
  close(): Promise<void>;
}

const CONTENT_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.woff': 'font/woff',
  '.woff2': 'font/woff2',
};

export async function startConsoleServer(options: ConsoleServerOptions): Promise<ConsoleServer> {
  const headers = {
    ...consoleSecurityHeaders,
    'content-security-policy': consoleContentSecurityPolicy({
      connectSrc: [new URL(options.config.apiUrl).origin, new URL(options.config.cognito.endpoint).origin],
    }),
  };
  const configBody = JSON.stringify(options.config);
  const root = normalize(options.distDir);

  const server = http.createServer(async (req, res) => {
    const send = (status: number, type: string, body: string | Buffer, cache: string) => {
      res.writeHead(status, { ...headers, 'content-type': type, 'cache-control': cache });
      res.end(req.method === 'HEAD' ? undefined : body);
    };
    try {
      if (req.method !== 'GET' && req.method !== 'HEAD')
        return send(405, 'text/plain', 'Method Not Allowed', 'no-store');
      const pathname = decodeURIComponent(new URL(req.url ?? '/', 'http://console').pathname);
      if (pathname === '/config.json') return send(200, CONTENT_TYPES['.json']!, configBody, 'no-store');
      const file = normalize(join(root, pathname));
      if (!file.startsWith(root + sep) && file !== root) return send(404, 'text/plain', 'Not Found', 'no-store');
      const extension = extname(pathname);
      const isFile = extension !== '' && (await stat(file).catch(() => undefined))?.isFile();
      if (isFile) {
        // Hashed assets never change under the same name; index.html must always be fresh.
        const cache = pathname.startsWith('/assets/') ? 'public, max-age=31536000, immutable' : 'no-cache';
        return send(200, CONTENT_TYPES[extension] ?? 'application/octet-stream', await readFile(file), cache);
      }
      if (extension !== '') return send(404, 'text/plain', 'Not Found', 'no-store');
      return send(200, CONTENT_TYPES['.html']!, await readFile(join(root, 'index.html')), 'no-cache');
    } catch (error) {
      options.log.error('console server failed', { error: String(error) });
      if (!res.headersSent) send(500, 'text/plain', 'Internal Server Error', 'no-store');
    }
  });
  await new Promise<void>((resolvePromise, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host, resolvePromise);
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://${options.host}:${port}`,
    close: () =>
      new Promise<void>((resolvePromise) => {
        server.closeAllConnections();
        server.close(() => resolvePromise());
      }),
  };
}
