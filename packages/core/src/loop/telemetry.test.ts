import { readFileSync } from 'node:fs';
import { context, trace } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import {
  BasicTracerProvider,
  InMemorySpanExporter,
  type ReadableSpan,
  SimpleSpanProcessor,
} from '@opentelemetry/sdk-trace-base';
import { afterAll, beforeAll, beforeEach, expect, it } from 'vitest';
import { AgentBoss } from '../bots/agent-boss.js';
import { FakeEnvironment } from '../testing/fake-environment.js';
import { answerReply, commandReply, ScriptedChatModel } from '../testing/scripted-chat-model.js';
import { runAgentLoop } from './agent-loop.js';
import { PACKAGE_VERSION } from './package-version.js';
import { CORE_ATTRIBUTES, CORE_SPAN_NAMES } from './telemetry.js';

// The span tree of runs the real sandboxes and models are not needed for (test/traces.e2e.test.ts
// has a real ReadingBot's): a sub-bot's run under the delegate tool, a failing sandbox.
const exporter = new InMemorySpanExporter();
const provider = new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] });
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

function tree(spans: readonly ReadableSpan[]): string[] {
  const byParent = (id: string | undefined) =>
    spans
      .filter((span) => span.parentSpanContext?.spanId === id)
      .sort((a, b) => a.startTime[0] - b.startTime[0] || a.startTime[1] - b.startTime[1]);
  const lines: string[] = [];
  const walk = (span: ReadableSpan, depth: number) => {
    const name =
      span.attributes[CORE_ATTRIBUTES.botName] ?? span.attributes[CORE_ATTRIBUTES.toolName] ?? '';
    lines.push(`${'  '.repeat(depth)}${span.name}${name ? ` ${name}` : ''}`);
    for (const child of byParent(span.spanContext().spanId)) walk(child, depth + 1);
  };
  for (const root of byParent(undefined)) walk(root, 0);
  return lines;
}

it('an AgentBoss run: the sub-bot run nests under the delegate tool span', async () => {
  const model = new ScriptedChatModel({
    replies: [
      commandReply('delegate "count the files"'),
      commandReply('ls | wc -l'),
      answerReply('3 files'),
      answerReply('The folder has 3 files.'),
    ],
    usage: { inputTokens: 10, outputTokens: 2 },
  });
  const boss = new AgentBoss({ model, environment: new FakeEnvironment() });
  const result = await boss.run('How many files?').finally(() => boss.dispose());
  expect(result.status).toBe('success');
  const spans = exporter.getFinishedSpans();
  expect(tree(spans)).toEqual([
    `${CORE_SPAN_NAMES.run} AgentBoss`,
    `  ${CORE_SPAN_NAMES.step}`,
    `    ${CORE_SPAN_NAMES.modelCall}`,
    `    ${CORE_SPAN_NAMES.tool} delegate`,
    `      ${CORE_SPAN_NAMES.run} sub-bot`,
    `        ${CORE_SPAN_NAMES.step}`,
    `          ${CORE_SPAN_NAMES.modelCall}`,
    `          ${CORE_SPAN_NAMES.command}`,
    `        ${CORE_SPAN_NAMES.step}`,
    `          ${CORE_SPAN_NAMES.modelCall}`,
    `  ${CORE_SPAN_NAMES.step}`,
    `    ${CORE_SPAN_NAMES.modelCall}`,
  ]);
  const runs = spans.filter((span) => span.name === CORE_SPAN_NAMES.run);
  const bossRun = runs.find((span) => span.attributes[CORE_ATTRIBUTES.depth] === 0);
  const sub = runs.find((span) => span.attributes[CORE_ATTRIBUTES.depth] === 1);
  expect(sub?.attributes).toMatchObject({
    [CORE_ATTRIBUTES.status]: 'success',
    [CORE_ATTRIBUTES.iterations]: 2,
    [CORE_ATTRIBUTES.inputTokens]: 20,
  });
  // The boss's counts include its sub-bot's.
  expect(bossRun?.attributes).toMatchObject({
    [CORE_ATTRIBUTES.iterations]: 2,
    [CORE_ATTRIBUTES.inputTokens]: 40,
    [CORE_ATTRIBUTES.outputTokens]: 8,
  });
  const tool = spans.find((span) => span.name === CORE_SPAN_NAMES.tool);
  expect(tool?.attributes[CORE_ATTRIBUTES.exitCode]).toBe(0);
  expect(tool?.attributes[CORE_ATTRIBUTES.commandText]).toBeUndefined();
  const steps = spans.filter((span) => span.name === CORE_SPAN_NAMES.step);
  expect(steps.map((span) => span.attributes[CORE_ATTRIBUTES.stepKind]).sort()).toEqual([
    'answer',
    'answer',
    'command',
    'tool',
  ]);
});

it('a sandbox that fails: the exception is on the command span, redacted, and the run failed', async () => {
  const secret = 'sk-abcdefghijklmnopqrstuvwxyz0123456789';
  const environment = new FakeEnvironment();
  environment.execute = async () => {
    throw new Error(`the engine broke (api key ${secret})`);
  };
  const result = await runAgentLoop({
    task: 'list',
    systemPrompt: 'system',
    model: new ScriptedChatModel({ replies: [commandReply('ls')] }),
    environment,
    botName: 'TestBot',
  });
  expect(result.status).toBe('failed');
  const spans = exporter.getFinishedSpans();
  const command = spans.find((span) => span.name === CORE_SPAN_NAMES.command);
  expect(command?.status.code).toBe(2);
  const run = spans.find((span) => span.name === CORE_SPAN_NAMES.run);
  expect(run?.attributes[CORE_ATTRIBUTES.botName]).toBe('TestBot');
  expect(run?.attributes[CORE_ATTRIBUTES.status]).toBe('failed');
  for (const span of spans) {
    const text = JSON.stringify([span.attributes, span.events, span.status]);
    expect(text).not.toContain(secret);
  }
  expect(JSON.stringify(command?.events)).toMatch(/the engine broke/);
});

it('the tracer version is the package version', () => {
  const manifest = JSON.parse(
    readFileSync(new URL('../../package.json', import.meta.url), 'utf8'),
  ) as { version: string };
  expect(PACKAGE_VERSION).toBe(manifest.version);
});
