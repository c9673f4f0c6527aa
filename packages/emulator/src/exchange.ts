import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { EmulatorState } from './emulator-state.js';
import type { EndpointKind } from './endpoint-kind.js';
import type { RecordedRequest } from './recorded-request.js';
import { maskHeaders } from './secret-masking.js';

const MAX_BODY_BYTES = 16 * 1024 * 1024;

/** The result of reading a JSON body. */
export type BodyResult =
  | { ok: true; body: Record<string, unknown> | undefined }
  | { ok: false; message: string };

/** One request and its answer, recorded in the log as it goes (internal). */
export class Exchange {
  readonly request: IncomingMessage;
  readonly response: ServerResponse;
  readonly url: URL;
  readonly entry: RecordedRequest;

  constructor(
    request: IncomingMessage,
    response: ServerResponse,
    state: EmulatorState,
    kind: EndpointKind,
  ) {
    this.request = request;
    this.response = response;
    this.url = new URL(request.url ?? '/', 'http://emulator.invalid');
    state.counters.sequence += 1;
    this.entry = {
      sequence: state.counters.sequence,
      time: state.clock(),
      kind,
      method: request.method ?? 'GET',
      path: this.url.pathname,
      query: Object.fromEntries(this.url.searchParams),
      headers: maskHeaders(request.headers),
      auth: { scheme: 'none', accepted: true },
      status: 0,
    };
    state.log.record(this.entry);
  }

  /** Whether the client went away (nothing more can be sent). */
  get gone(): boolean {
    return this.response.destroyed || this.response.writableEnded;
  }

  async readJsonBody(): Promise<BodyResult> {
    const chunks: Buffer[] = [];
    let size = 0;
    for await (const chunk of this.request) {
      const buffer = chunk as Buffer;
      size += buffer.length;
      if (size > MAX_BODY_BYTES) return { ok: false, message: 'The request body is too large.' };
      chunks.push(buffer);
    }
    const text = Buffer.concat(chunks).toString('utf8');
    if (text.trim() === '') return { ok: true, body: undefined };
    try {
      const parsed: unknown = JSON.parse(text);
      if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
        return { ok: false, message: 'The request body must be a JSON object.' };
      }
      return { ok: true, body: parsed as Record<string, unknown> };
    } catch {
      return { ok: false, message: 'The request body is not valid JSON.' };
    }
  }

  /** Answers with a JSON body (or text when `contentType` says so) and records the status. */
  send(
    status: number,
    body: unknown,
    headers: Record<string, string> = {},
    contentType = 'application/json',
  ): void {
    this.entry.status = status;
    if (status >= 400) this.entry.errorMessage = errorMessageOf(body);
    if (this.gone) return;
    const payload = typeof body === 'string' ? body : JSON.stringify(body);
    const requestId = randomUUID();
    this.response.writeHead(status, {
      'content-type': contentType.includes('charset')
        ? contentType
        : `${contentType}; charset=utf-8`,
      'content-length': Buffer.byteLength(payload),
      'x-request-id': requestId,
      ...headers,
    });
    this.response.end(payload);
  }

  /**
   * Starts a streamed 200 answer (no `content-length`) and records that it streamed. Returns
   * `false` when the client is gone; the caller writes the body to `response` and ends it.
   */
  openStream(contentType: string, headers: Record<string, string> = {}): boolean {
    this.entry.status = 200;
    this.entry.streamed = true;
    if (this.gone) return false;
    this.response.writeHead(200, {
      'content-type': contentType,
      'cache-control': 'no-cache',
      'x-request-id': randomUUID(),
      ...headers,
    });
    return true;
  }

  /** Destroys the connection without an answer. */
  reset(): void {
    this.entry.status = 0;
    this.request.socket.destroy();
  }
}

function errorMessageOf(body: unknown): string | undefined {
  if (typeof body === 'string') return body;
  if (typeof body !== 'object' || body === null) return undefined;
  const record = body as Record<string, unknown>;
  const error = record['error'];
  if (typeof error === 'string') return error;
  if (typeof error === 'object' && error !== null) {
    const message = (error as Record<string, unknown>)['message'];
    if (typeof message === 'string') return message;
  }
  return typeof record['message'] === 'string' ? record['message'] : undefined;
}
