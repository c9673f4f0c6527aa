import { readFileSync } from 'node:fs';
import { context, trace } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import {
  BasicTracerProvider,
  InMemorySpanExporter,
  type ReadableSpan,
  SimpleSpanProcessor,
} from '@opentelemetry/sdk-trace-base';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { PACKAGE_VERSION } from './package-version.js';
import { AUTH_ATTRIBUTES, AUTH_SPAN_NAMES } from './telemetry.js';
import { cachedTokenProvider, tokenProviderFromCredential } from './token-cache.js';
import type { AccessToken, TokenCredential } from './token-provider.js';

// The bots.token_fetch spans of the cache, caught by the OpenTelemetry SDK's in-memory exporter.
const exporter = new InMemorySpanExporter();
const provider = new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] });
const parentTracer = () => trace.getTracer('test');

beforeAll(() => {
  context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
  trace.setGlobalTracerProvider(provider);
});
afterAll(async () => {
  trace.disable();
  context.disable();
  await provider.shutdown();
});
beforeEach(() => {
  exporter.reset();
});

// A JWT-shaped token, so that redaction knows it on sight too.
const jwt = (n: number) =>
  `eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJzcGFuLXRlc3QtJHtufSIsIm4iOiR7bn19.signature-${n}-abcdefghij`;

class CountingCredential implements TokenCredential {
  calls = 0;
  lifetimeMs = 3_600_000;
  failWith: string | undefined;
  async getToken(): Promise<AccessToken> {
    this.calls += 1;
    if (this.failWith) throw new Error(this.failWith);
    await new Promise((resolve) => setTimeout(resolve, 5));
    return { token: jwt(this.calls), expiresOnTimestamp: clock + this.lifetimeMs };
  }
}

let clock = Date.now();
const now = () => clock;

function spans(): ReadableSpan[] {
  return exporter.getFinishedSpans().filter((span) => span.name === AUTH_SPAN_NAMES.tokenFetch);
}

function inParent<T>(work: () => Promise<T>): Promise<T> {
  return parentTracer().startActiveSpan('model call', async (span) => {
    try {
      return await work();
    } finally {
      span.end();
    }
  });
}

describe('bots.token_fetch spans', () => {
  it('a wait, the callers that joined it and a hit, under the span that needed the token', async () => {
    const credential = new CountingCredential();
    const tokens = tokenProviderFromCredential(
      credential,
      'https://cognitiveservices.azure.com/.default',
      { now },
    );
    await inParent(() => Promise.all([tokens(), tokens(), tokens()]));
    await inParent(() => tokens());
    const parents = exporter.getFinishedSpans().filter((span) => span.name === 'model call');
    const fetches = spans();
    expect(fetches.map((span) => span.attributes[AUTH_ATTRIBUTES.cache])).toEqual([
      'wait',
      'joined',
      'joined',
      'hit',
    ]);
    expect(credential.calls).toBe(1);
    for (const span of fetches.slice(0, 3)) {
      expect(span.parentSpanContext?.spanId).toBe(parents[0]?.spanContext().spanId);
    }
    expect(fetches[3]?.parentSpanContext?.spanId).toBe(parents[1]?.spanContext().spanId);
    for (const span of fetches) {
      expect(span.attributes).toMatchObject({
        [AUTH_ATTRIBUTES.credentialClass]: 'CountingCredential',
        [AUTH_ATTRIBUTES.scope]: 'https://cognitiveservices.azure.com/.default',
        [AUTH_ATTRIBUTES.expiresAt]: new Date(clock + 3_600_000).toISOString(),
      });
      expect(span.attributes[AUTH_ATTRIBUTES.remainingMs]).toBeGreaterThan(3_500_000);
      expect(JSON.stringify(span.attributes)).not.toContain(jwt(1));
    }
  });

  it('a background refresh is a root span of its own, linked to the call that started it', async () => {
    const credential = new CountingCredential();
    credential.lifetimeMs = 60_000;
    const tokens = tokenProviderFromCredential(credential, 'scope-a/.default', { now });
    await tokens();
    clock += 50_000; // past the refresh point (a quarter of the lifetime before expiry)
    exporter.reset();
    const caller = await inParent(async () => {
      await tokens();
      return trace.getActiveSpan()?.spanContext().spanId;
    });
    await new Promise((resolve) => setTimeout(resolve, 50));
    const [hit, refresh] = [
      spans().find((span) => span.attributes[AUTH_ATTRIBUTES.cache] === 'hit'),
      spans().find((span) => span.attributes[AUTH_ATTRIBUTES.cache] === 'refresh'),
    ];
    expect(hit?.attributes[AUTH_ATTRIBUTES.refreshStarted]).toBe(true);
    expect(hit?.parentSpanContext?.spanId).toBe(caller);
    expect(refresh).toBeDefined();
    expect(refresh?.parentSpanContext).toBeUndefined();
    expect(refresh?.links.map((link) => link.context.spanId)).toEqual([caller]);
    expect(credential.calls).toBe(2);
  });

  it('a failed fetch is recorded with its message redacted and no stack', async () => {
    const credential = new CountingCredential();
    credential.failWith = `identity endpoint said no to ${jwt(99)} (client_secret=hunter2-secret)`;
    const tokens = tokenProviderFromCredential(credential, 'scope-b/.default', { now });
    await expect(tokens()).rejects.toThrow(/failed to get a token/);
    const [span] = spans();
    expect(span?.status.code).toBe(2);
    const exception = span?.events.find((event) => event.name === 'exception');
    const message = String(exception?.attributes?.['exception.message']);
    expect(message).toMatch(/failed to get a token/);
    expect(message).not.toContain(jwt(99));
    expect(message).not.toContain('hunter2-secret');
    expect(exception?.attributes?.['exception.stacktrace']).toBeUndefined();
    expect(span?.status.message).not.toContain(jwt(99));
  });

  it('a cache over a fetch function of yours names no credential', async () => {
    const tokens = cachedTokenProvider(async () => ({
      token: 'opaque-token-value-1234',
      expiresOnTimestamp: clock + 3_600_000,
    }));
    await tokens();
    const [span] = spans();
    expect(span?.attributes[AUTH_ATTRIBUTES.cache]).toBe('wait');
    expect(span?.attributes[AUTH_ATTRIBUTES.credentialClass]).toBeUndefined();
    expect(JSON.stringify(span?.attributes)).not.toContain('opaque-token-value-1234');
  });
});

it('the tracer version is the package version', () => {
  const manifest = JSON.parse(
    readFileSync(new URL('../package.json', import.meta.url), 'utf8'),
  ) as { version: string };
  expect(PACKAGE_VERSION).toBe(manifest.version);
});
