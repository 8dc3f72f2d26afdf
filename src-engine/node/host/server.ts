/**
 * The browser host: an HTTP server on 127.0.0.1 that serves the built renderer and the Api over a
 * WebSocket at /api. A random token, made at each start, must be in the WebSocket URL, and a browser
 * Origin must be this server's own, so other pages and local users' processes cannot drive it.
 */
import * as http from 'node:http';
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { randomBytes, timingSafeEqual } from 'node:crypto';
import { WebSocketServer, type WebSocket } from 'ws';
import type { ApiEvent, ApiMethods } from '../../protocol/api.ts';
import { MAX_PROJECT_CHARS } from '../../protocol/schemas.ts';
import type { WireEvent } from '../../protocol/wire.ts';
import { dispatchMessage } from './dispatch.ts';
import { staticTarget } from './static-path.ts';
import { contentSecurityPolicy } from './csp.ts';

/** Open Api sockets at most: a page reloads or opens a second tab, nothing needs more. */
export const MAX_CONNECTIONS = 8;

export interface BrowserHostOptions {
  handlers: ApiMethods;
  /** Folder with the built renderer (index.html and assets/). */
  rendererDir: string;
  /** 0 picks a free port. */
  port?: number;
  token?: string;
  /** Open WebSocket connections at most (default MAX_CONNECTIONS); more get 503. */
  maxConnections?: number;
}

export interface BrowserHost {
  url: string;
  port: number;
  token: string;
  emit(event: ApiEvent): void;
  close(): Promise<void>;
}

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.json': 'application/json',
  '.woff2': 'font/woff2',
  '.ico': 'image/x-icon',
};

/** The request URL, or null when it cannot be parsed. */
function parseUrl(raw: string | undefined): URL | null {
  try {
    return new URL(raw ?? '/', 'http://127.0.0.1');
  } catch {
    return null;
  }
}

/** The URL's path; an unparsable URL maps to an undecodable path, which staticTarget answers with 400. */
function requestPath(raw: string | undefined): string {
  return parseUrl(raw)?.pathname ?? '/%';
}

function sameToken(given: string | null, token: string): boolean {
  if (!given) return false;
  const a = Buffer.from(given);
  const b = Buffer.from(token);
  return a.length === b.length && timingSafeEqual(a, b);
}

/** Start the browser host; resolves once it listens. */
export async function startBrowserHost(opts: BrowserHostOptions): Promise<BrowserHost> {
  const token = opts.token ?? randomBytes(24).toString('base64url');
  const root = path.resolve(opts.rendererDir);
  let port = 0;

  const server = http.createServer((req, res) => {
    serveFile(req, res).catch(() => {
      // Nothing a request carries may take the host down; whatever slipped through is a 500.
      if (!res.headersSent) res.writeHead(500).end();
      else res.destroy();
    });
  });
  const serveFile = async (req: http.IncomingMessage, res: http.ServerResponse) => {
    const headers = {
      'Content-Security-Policy': contentSecurityPolicy(`ws://127.0.0.1:${port} ws://localhost:${port}`),
      'X-Content-Type-Options': 'nosniff',
      'Referrer-Policy': 'no-referrer',
      'Cache-Control': 'no-store',
    };
    // A page on another site whose name resolves to 127.0.0.1 (DNS rebinding) sends its own Host.
    if (req.headers.host !== `127.0.0.1:${port}` && req.headers.host !== `localhost:${port}`) {
      res.writeHead(421, headers).end();
      return;
    }
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.writeHead(405, headers).end();
      return;
    }
    const target = staticTarget(root, requestPath(req.url));
    if (!target.ok) {
      res.writeHead(target.status, headers).end();
      return;
    }
    try {
      const body = await fs.readFile(target.file);
      res.writeHead(200, {
        ...headers,
        'Content-Type': TYPES[path.extname(target.file)] ?? 'application/octet-stream',
      });
      res.end(req.method === 'HEAD' ? undefined : body);
    } catch {
      res.writeHead(404, { ...headers, 'Content-Type': 'text/plain' }).end('Not found');
    }
  };

  const wss = new WebSocketServer({ noServer: true, maxPayload: MAX_PROJECT_CHARS * 2 });
  const clients = new Set<WebSocket>();
  const maxConnections = opts.maxConnections ?? MAX_CONNECTIONS;
  server.on('upgrade', (req, socket, head) => {
    socket.on('error', () => socket.destroy());
    const url = parseUrl(req.url);
    const origin = req.headers.origin;
    const originOk =
      origin === undefined || origin === `http://127.0.0.1:${port}` || origin === `http://localhost:${port}`;
    if (!url || url.pathname !== '/api' || !sameToken(url.searchParams.get('token'), token) || !originOk) {
      socket.end('HTTP/1.1 403 Forbidden\r\nConnection: close\r\n\r\n');
      return;
    }
    if (clients.size >= maxConnections) {
      socket.end('HTTP/1.1 503 Service Unavailable\r\nConnection: close\r\n\r\n');
      return;
    }
    wss.handleUpgrade(req, socket, head, (ws) => {
      clients.add(ws);
      ws.on('close', () => clients.delete(ws));
      ws.on('error', () => clients.delete(ws));
      ws.on('message', async (data, isBinary) => {
        const text = isBinary ? '' : data.toString();
        const reply = await dispatchMessage(opts.handlers, text);
        if (ws.readyState === ws.OPEN) ws.send(JSON.stringify(reply));
      });
    });
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port ?? 0, '127.0.0.1', () => resolve());
  });
  port = (server.address() as { port: number }).port;

  return {
    url: `http://127.0.0.1:${port}/?token=${token}`,
    port,
    token,
    emit(event) {
      const msg: WireEvent = { event };
      const text = JSON.stringify(msg);
      for (const ws of clients) if (ws.readyState === ws.OPEN) ws.send(text);
    },
    close: () =>
      new Promise<void>((resolve) => {
        for (const ws of clients) ws.terminate();
        wss.close();
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
