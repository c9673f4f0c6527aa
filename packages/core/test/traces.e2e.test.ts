// OpenTelemetry spans of a real ReadingBot run: the model string through @bots/providers, the
// token through @bots/auth (real DefaultAzureCredential, managed identity against the emulator),
// a real sandbox, the emulator's scripted model; the spans caught by the SDK's in-memory exporter.
import { clearSharedTokenProviders, tokenProviderFromEnv } from '@bots/auth';
import type { ModelRequest } from '@bots/emulator';
import { context, trace } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import {
  BasicTracerProvider,
  InMemorySpanExporter,
  type ReadableSpan,
  SimpleSpanProcessor,
} from '@opentelemetry/sdk-trace-base';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, test } from 'vitest';
import { ReadingBot } from '../src/index.js';
import {
  answer,
  botEnv,
  command,
  describeWhen,
  folderWith,
  lastFeedback,
  lastSequence,
  modelRequests,
  removeFolders,
  requestsSince,
  sandboxes,
  turn,
  useEmulator,
} from './support.js';

const emulator = useEmulator({ tokenLifetimeSeconds: 120 });
const exporter = new InMemorySpanExporter();
const tracerProvider = new BasicTracerProvider({
  spanProcessors: [new SimpleSpanProcessor(exporter)],
});
const contextManager = new AsyncLocalStorageContextManager();

function registerSdk(): void {
  context.setGlobalContextManager(contextManager.enable());
  trace.setGlobalTracerProvider(tracerProvider);
}
function unregisterSdk(): void {
  trace.disable();
  context.disable();
}

beforeEach(() => {
  clearSharedTokenProviders();
  exporter.reset();
});
afterEach(() => {
  removeFolders();
  unregisterSdk();
});
afterAll(async () => {
  clearSharedTokenProviders();
  await tracerProvider.shutdown();
});

const sandbox = sandboxes.find((candidate) => candidate.availability.available) ?? sandboxes[0];
const TASK = `Where is the heron code? (prompt marker ${Math.random().toString(36).slice(2)})`;
const COMMAND = 'cd /workdir/facts && grep -rn "heron code" .';
const ANSWER = 'The heron code is in notes.md.';

function script(request: ModelRequest): string {
  if (turn(request) === 0) return command(COMMAND, 'I will grep for it.');
  return /notes\.md:1:/.test(lastFeedback(request)?.output ?? '')
    ? answer(ANSWER)
    : answer('not found');
}

async function runReadingBot(options: { traceContent?: boolean } = {}) {
  emulator().setScript(script);
  const folder = folderWith('facts', { 'notes.md': 'The heron code is 4711.\n' });
  const bot = new ReadingBot({
    model: 'azure-openai/gpt-4o-traced',
    env: botEnv(emulator()),
    folder,
    environment: sandbox?.name ?? 'local',
  });
  try {
    return await bot.run(TASK, options);
  } finally {
    await bot.dispose();
  }
}

function named(spans: readonly ReadableSpan[], name: string): ReadableSpan[] {
  return spans.filter((span) => span.name === name);
}

function childrenOf(spans: readonly ReadableSpan[], parent: ReadableSpan): ReadableSpan[] {
  return spans
    .filter((span) => span.parentSpanContext?.spanId === parent.spanContext().spanId)
    .sort((a, b) => a.startTime[0] - b.startTime[0] || a.startTime[1] - b.startTime[1]);
}

/** The tree as `name[key attribute]` lines, children indented. */
function tree(spans: readonly ReadableSpan[]): string[] {
  const roots = spans.filter(
    (span) => !spans.some((other) => other.spanContext().spanId === span.parentSpanContext?.spanId),
  );
  const lines: string[] = [];
  const walk = (span: ReadableSpan, depth: number) => {
    const cache = span.attributes['bots.token.cache'];
    const index = span.attributes['bots.step.index'];
    const detail = cache !== undefined ? `[${cache}]` : index !== undefined ? `[${index}]` : '';
    lines.push(`${'  '.repeat(depth)}${span.name}${detail}`);
    for (const child of childrenOf(spans, span)) walk(child, depth + 1);
  };
  for (const root of roots) walk(root, 0);
  return lines;
}

/** Every attribute value of every span and of its events (exceptions), as text. */
function everyAttributeText(spans: readonly ReadableSpan[]): string[] {
  return spans.flatMap((span) => [
    span.name,
    span.status.message ?? '',
    ...Object.entries(span.attributes).map(([key, value]) => `${key}=${JSON.stringify(value)}`),
    ...span.events.flatMap((event) =>
      Object.entries(event.attributes ?? {}).map(
        ([key, value]) => `${event.name}.${key}=${JSON.stringify(value)}`,
      ),
    ),
  ]);
}

describeWhen(
  `traces of a ReadingBot run (needs a sandbox: ${sandbox?.name ?? 'none'})`,
  sandbox?.availability ?? { available: false, reason: 'no sandbox' },
  () => {
    test('the span tree of a run, with its attributes; no token, key or prompt in any span', async () => {
      registerSdk();
      const since = lastSequence(emulator());
      const result = await runReadingBot();
      expect(result.error, JSON.stringify(result.error)).toBeUndefined();
      expect(result.result).toBe(ANSWER);

      const spans = exporter.getFinishedSpans();
      expect(tree(spans)).toEqual([
        'bots.run',
        '  bots.step[0]',
        '    bots.model_call',
        '      bots.token_fetch[wait]',
        '    bots.command',
        '  bots.step[1]',
        '    bots.model_call',
        '      bots.token_fetch[hit]',
      ]);

      const [run] = named(spans, 'bots.run');
      expect(run?.attributes).toMatchObject({
        'bots.bot.name': 'ReadingBot',
        'bots.run.depth': 0,
        'bots.run.status': 'success',
        'bots.run.iterations': 2,
        'gen_ai.provider.name': 'azure-openai',
        'gen_ai.request.model': 'gpt-4o-traced',
        'gen_ai.usage.input_tokens': result.usage.inputTokens,
        'gen_ai.usage.output_tokens': result.usage.outputTokens,
      });
      expect(result.usage.inputTokens).toBeGreaterThan(0);

      const calls = named(spans, 'bots.model_call');
      const requests = modelRequests(requestsSince(emulator(), since));
      expect(calls).toHaveLength(requests.length);
      for (const call of calls) {
        expect(call.kind).toBe(2); // SpanKind.CLIENT
        expect(call.attributes).toMatchObject({
          'gen_ai.operation.name': 'chat',
          'gen_ai.provider.name': 'azure-openai',
          'gen_ai.request.model': 'gpt-4o-traced',
          'bots.model.auth': 'token',
          'bots.model.wire_api': 'completions',
          'bots.model.retries': 0,
          'gen_ai.response.finish_reasons': ['stop'],
          'server.address': '127.0.0.1',
        });
        expect(call.attributes['gen_ai.usage.input_tokens']).toBeGreaterThan(0);
        expect(call.attributes['gen_ai.usage.output_tokens']).toBeGreaterThan(0);
      }
      const tokensIn = calls.reduce(
        (sum, call) => sum + Number(call.attributes['gen_ai.usage.input_tokens']),
        0,
      );
      expect(tokensIn).toBe(result.usage.inputTokens);

      const [commandSpan] = named(spans, 'bots.command');
      expect(commandSpan?.attributes).toMatchObject({
        'bots.command.exit_code': 0,
        'bots.command.timed_out': false,
        'bots.command.truncated': false,
      });
      expect(commandSpan?.attributes['bots.duration_ms']).toBeTypeOf('number');
      expect(commandSpan?.attributes['bots.command.text']).toBeUndefined();

      const fetches = named(spans, 'bots.token_fetch');
      for (const fetch of fetches) {
        expect(fetch.attributes).toMatchObject({
          'bots.auth.method': 'azure_ad',
          'bots.auth.credential_class': 'DefaultAzureCredential',
          'bots.auth.scope': 'https://cognitiveservices.azure.com/.default',
        });
        expect(Date.parse(String(fetch.attributes['bots.token.expires_at']))).toBeGreaterThan(
          Date.now(),
        );
      }

      // The token the model requests carried: the shared provider's (the same env gives it).
      const token = await (await tokenProviderFromEnv({ env: botEnv(emulator()) }))?.();
      expect(token).toBeTypeOf('string');
      const tokenId = emulator().verifyToken(token as string).claims?.jti;
      for (const request of requests) expect(request.auth.tokenId).toBe(tokenId);

      const secrets = [
        token as string,
        ...Object.values(emulator().apiKeys),
        emulator().identityHeader,
        TASK,
        COMMAND,
        ANSWER,
        'The heron code is 4711',
      ];
      const texts = everyAttributeText(spans);
      expect(texts.length).toBeGreaterThan(30);
      for (const text of texts) {
        for (const secret of secrets) expect(text).not.toContain(secret);
        expect(text).not.toMatch(/eyJ[\w-]{10,}\.[\w-]{10,}/);
      }
    });

    test('traceContent: true records the task, the messages, the command and the answer, still no token', async () => {
      registerSdk();
      const result = await runReadingBot({ traceContent: true });
      expect(result.status).toBe('success');
      const spans = exporter.getFinishedSpans();
      const [run] = named(spans, 'bots.run');
      expect(run?.attributes['bots.run.task']).toBe(TASK);
      expect(run?.attributes['bots.run.answer']).toBe(ANSWER);
      const [first] = named(spans, 'bots.model_call');
      const input = JSON.parse(String(first?.attributes['gen_ai.input.messages']));
      expect(input.at(-1)).toEqual({ role: 'user', content: TASK });
      expect(String(first?.attributes['gen_ai.output.messages'])).toContain('I will grep for it.');
      expect(named(spans, 'bots.command')[0]?.attributes['bots.command.text']).toBe(COMMAND);
      const token = await (await tokenProviderFromEnv({ env: botEnv(emulator()) }))?.();
      for (const text of everyAttributeText(spans)) {
        expect(text).not.toContain(token as string);
        expect(text).not.toMatch(/eyJ[\w-]{10,}\.[\w-]{10,}/);
      }
    });

    test('a failed model call: the exception is on its span, redacted, and the run span says failed', async () => {
      registerSdk();
      emulator().inject({ status: 400 }, { kinds: ['azure-openai'] });
      const folder = folderWith('facts', { 'notes.md': 'x\n' });
      const bot = new ReadingBot({
        model: 'azure-openai/gpt-4o-traced',
        env: botEnv(emulator()),
        folder,
        environment: sandbox?.name ?? 'local',
      });
      const result = await bot.run(TASK).finally(() => bot.dispose());
      expect(result.status).toBe('failed');
      const spans = exporter.getFinishedSpans();
      const [call] = named(spans, 'bots.model_call');
      expect(call?.status.code).toBe(2); // SpanStatusCode.ERROR
      const exception = call?.events.find((event) => event.name === 'exception');
      expect(exception?.attributes?.['exception.message']).toMatch(/400/);
      expect(exception?.attributes?.['exception.stacktrace']).toBeUndefined();
      const [run] = named(spans, 'bots.run');
      expect(run?.attributes['bots.run.status']).toBe('failed');
      expect(run?.attributes['bots.error.kind']).toBe(result.error?.kind);
      expect(run?.status.code).toBe(2);
      for (const text of everyAttributeText(spans)) expect(text).not.toContain(TASK);
    });
  },
);

describe('with no OpenTelemetry SDK registered', () => {
  beforeAll(() => {
    unregisterSdk();
  });

  test('nothing is recorded', async () => {
    emulator().setScript(() => answer('done'));
    const folder = folderWith('facts', { 'notes.md': 'x\n' });
    const bot = new ReadingBot({
      model: 'azure-openai/gpt-4o-traced',
      env: botEnv(emulator()),
      folder,
      environment: sandbox?.name ?? 'local',
    });
    const result = await bot.run('question').finally(() => bot.dispose());
    expect(result.status).toBe('success');
    expect(exporter.getFinishedSpans()).toEqual([]);
    expect(trace.getTracer('@bots/core').startSpan('probe').isRecording()).toBe(false);
  });
});
