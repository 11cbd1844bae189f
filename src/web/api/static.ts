// Serves the console page: the Vite build in <package root>/dist/console
// (index.html and assets/, built with base /console/). Assets are
// content-hashed, so they are cached for a year; index.html answers /console,
// every /console/* path (the page's own routes) and GET / for a browser (an
// Accept that prefers text/html; other clients keep the JSON index). Without a
// build, a browser gets a short page saying how to make one. None of it needs
// an API key (access.ts): the page holds no data, the API it calls does.
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import fastifyStatic from '@fastify/static';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { errorBody, HttpError } from '../../http/errors.js';
import type { HttpServer } from '../../http/server.js';

/** The folder holding the package.json of this package, from this file up. */
export function packageRoot(from = path.dirname(fileURLToPath(import.meta.url))): string {
  for (let dir = from; ; dir = path.dirname(dir)) {
    try {
      const pkg = JSON.parse(fs.readFileSync(path.join(dir, 'package.json'), 'utf8')) as { name?: string };
      if (pkg.name === 'tributary') return dir;
    } catch {
      // no package.json here
    }
    if (path.dirname(dir) === dir) return from;
  }
}

export const defaultPageDir = () => path.join(packageRoot(), 'dist', 'console');

/** True when the client asks for a page: text/html ranks above JSON in its Accept. */
export function prefersHtml(request: FastifyRequest): boolean {
  const accept = request.headers.accept ?? '';
  const quality = (type: RegExp) => {
    let best = -1;
    for (const part of accept.split(',')) {
      const [media, ...params] = part.trim().split(';');
      if (!media || !type.test(media.trim())) continue;
      const q = params.map((p) => /^\s*q=([\d.]+)\s*$/.exec(p)?.[1]).find(Boolean);
      best = Math.max(best, q === undefined ? 1 : Number(q));
    }
    return best;
  };
  const html = quality(/^text\/html$/i);
  return html > 0 && html >= quality(/^application\/json$/i);
}

const NOT_BUILT = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Tributary console</title>
<meta name="viewport" content="width=device-width, initial-scale=1"></head>
<body style="font-family: system-ui, sans-serif; max-width: 40rem; margin: 3rem auto; padding: 0 1rem">
<h1>Tributary</h1>
<p>The console is not built: run <code>npm run build</code>, then reload this page.</p>
<p>The API is here all the same: <a href="/docs">/docs</a> documents it, the console's own JSON API included (<code>/api/console/…</code>).</p>
</body></html>
`;

export interface ConsolePage {
  /** Answers the page (index.html, or the "not built" page). */
  send(reply: FastifyReply): FastifyReply;
  readonly built: boolean;
}

/** Registers /console, /console/* and /console/assets/*; the caller decides about GET /. */
export async function consolePage(http: HttpServer, dir = defaultPageDir()): Promise<ConsolePage> {
  const indexFile = path.join(dir, 'index.html');
  const built = fs.existsSync(indexFile);
  let index: string | undefined;
  const page: ConsolePage = {
    built,
    send(reply) {
      // Read once: the build does not change under a running server.
      index ??= built ? fs.readFileSync(indexFile, 'utf8') : NOT_BUILT;
      return reply.code(200).header('cache-control', 'no-cache').type('text/html; charset=utf-8').send(index);
    },
  };
  const assets = path.join(dir, 'assets');
  if (fs.existsSync(assets)) {
    await http.register(
      async (scope) => {
        // A file that is not there is a 404 here: the server's own handler would call it a 405 (/console/* has GET).
        scope.setNotFoundHandler((request, reply) => {
          reply.code(404).send(errorBody(404, `no asset ${request.url.split('?')[0]}`, { field: 'url' }));
        });
        await scope.register(fastifyStatic, {
          root: assets,
          prefix: '/',
          decorateReply: false,
          schemaHide: true,
          index: false,
          immutable: true,
          maxAge: '365d',
          list: false,
          dotfiles: 'ignore',
        });
      },
      { prefix: '/console/assets' },
    );
  }
  const spa = { schema: { hide: true } };
  http.get('/console', spa, async (_request, reply) => page.send(reply));
  http.get('/console/*', spa, async (request, reply) => {
    // An asset that is not there is a 404, not the page (a stale tab asking for an old hash).
    if (request.url.startsWith('/console/assets/')) throw new HttpError(404, `no asset ${request.url.split('?')[0]}`, 'url');
    return page.send(reply);
  });
  return page;
}

export interface RootIndex {
  name: string;
  systems: { name: string; description: string }[];
  links: Record<string, string>;
}

const Index = z.object({ name: z.string(), systems: z.array(z.object({ name: z.string(), description: z.string() })), links: z.record(z.string(), z.string()) });

/**
 * GET /: the console page for a browser, else what this server offers as JSON.
 * A browser reaches it without a key (access.ts, `openTo`); the JSON needs one.
 */
export function rootRoute(http: HttpServer, page: ConsolePage, index: () => RootIndex): void {
  http.get(
    '/',
    {
      config: { openTo: prefersHtml },
      schema: { tags: ['system'], summary: 'What this server offers (a browser gets the console page)', response: { 200: Index } },
    },
    async (request, reply) => {
      if (prefersHtml(request)) return page.send(reply) as never;
      return index();
    },
  );
}
