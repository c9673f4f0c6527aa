/**
 * A small web site served on loopback, for tests, benchmarks and offline demos: a home page with
 * links, an about page, a catalog search form and a results page. Answering "which shelf is Dune
 * on?" needs a click (to the catalog), a form fill and a submit.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

const SHELVES: Record<string, string> = { dune: 'B-42', emma: 'A-07', ulysses: 'C-13' };

function page(title: string, body: string): string {
  return `<!doctype html><html><head><meta charset="utf-8"><title>${title}</title></head><body>${body}</body></html>`;
}

/** The running sample site. */
export interface SampleSite {
  url: string;
  /**
   * `127.0.0.1:<port>`: the `allowHosts` entry that opens this site (and no other service of this
   * machine) to the browser.
   */
  host: string;
  /** Paths requested so far, in order. */
  visits: string[];
  close(): Promise<void>;
}

/** A task on the sample site that needs a click and a form fill; its answer is `shelf B-42`. */
export function sampleTask(siteUrl: string, book = 'Dune'): string {
  return `On the site ${siteUrl} find the shelf of the book "${book}".`;
}

/** Starts the sample site on 127.0.0.1 (random port). */
export async function startSampleSite(): Promise<SampleSite> {
  const visits: string[] = [];
  const server: Server = createServer((request, response) => {
    const url = new URL(request.url ?? '/', 'http://127.0.0.1');
    visits.push(url.pathname + url.search);
    const send = (status: number, html: string) => {
      response.writeHead(status, { 'content-type': 'text/html; charset=utf-8' });
      response.end(html);
    };
    if (url.pathname === '/') {
      send(
        200,
        page(
          'Acme Library',
          '<h1>Acme Library</h1><p>Welcome. Opening hours: 9 to 5.</p><nav><a href="/about">About us</a> <a href="/catalog">Catalog search</a></nav>',
        ),
      );
    } else if (url.pathname === '/about') {
      send(
        200,
        page('About - Acme Library', '<h1>About</h1><p>Founded in 1921.</p><a href="/">Home</a>'),
      );
    } else if (url.pathname === '/catalog') {
      send(
        200,
        page(
          'Catalog - Acme Library',
          '<h1>Catalog search</h1><form action="/results" method="get"><label for="title">Book title</label> <input id="title" name="title" type="text" placeholder="e.g. Emma"> <button type="submit">Search</button></form><a href="/">Home</a>',
        ),
      );
    } else if (url.pathname === '/results') {
      const title = (url.searchParams.get('title') ?? '').trim();
      const shelf = SHELVES[title.toLowerCase()];
      send(
        200,
        page(
          'Results - Acme Library',
          shelf
            ? `<h1>Results</h1><p>The book "${title}" is on shelf ${shelf}.</p><a href="/catalog">New search</a>`
            : `<h1>Results</h1><p>No book titled "${title}".</p><a href="/catalog">New search</a>`,
        ),
      );
    } else {
      send(404, page('Not found', '<p>Not found</p>'));
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/`,
    host: `127.0.0.1:${port}`,
    visits,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
