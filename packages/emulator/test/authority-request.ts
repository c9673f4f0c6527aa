// Test support of this package (not shipped): plain https requests to an emulator's authority,
// trusting its CA through the request's `ca` option (no NODE_EXTRA_CA_CERTS needed in-process).
import type { IncomingHttpHeaders } from 'node:http';
import { request } from 'node:https';
import type { Emulator } from '../src/emulator.js';

/** An answer of the authority. */
export interface AuthorityAnswer {
  status: number;
  headers: IncomingHttpHeaders;
  body: Record<string, unknown>;
}

/** Sends a request to `path` on the emulator's authority; a `form` makes it a form POST. */
export function authorityRequest(
  emulator: Pick<Emulator, 'authority'>,
  path: string,
  form?: Record<string, string>,
  headers: Record<string, string> = {},
): Promise<AuthorityAnswer> {
  const url = new URL(path, emulator.authority.url);
  const payload = form === undefined ? undefined : new URLSearchParams(form).toString();
  return new Promise((resolve, reject) => {
    const outgoing = request(
      url,
      {
        method: payload === undefined ? 'GET' : 'POST',
        ca: emulator.authority.caPem,
        headers: {
          ...headers,
          ...(payload === undefined ? {} : { 'content-type': 'application/x-www-form-urlencoded' }),
        },
      },
      (response) => {
        let text = '';
        response.setEncoding('utf8').on('data', (chunk: string) => {
          text += chunk;
        });
        response.on('end', () => {
          try {
            resolve({
              status: response.statusCode ?? 0,
              headers: response.headers,
              body: JSON.parse(text) as Record<string, unknown>,
            });
          } catch (error) {
            reject(new Error(`Not JSON (${response.statusCode}): ${text}`, { cause: error }));
          }
        });
      },
    );
    outgoing.on('error', reject);
    outgoing.end(payload);
  });
}

/** The token endpoint path of a tenant. */
export function tokenPath(tenant: string): string {
  return `/${tenant}/oauth2/v2.0/token`;
}
