import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ModelRequest } from '@bots/emulator';
import { useEmulator } from '@bots/emulator/testing';
import { dockerAvailability, testWhen } from '@bots/test-kit';
import { afterAll, beforeAll, describe, expect } from 'vitest';
import { cleanEnv, runCli, SAMPLE } from './helpers.js';

// `bots batch` with OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: its spans reach an OTLP/HTTP receiver of
// this test (loopback), with the run's tree, and never a token or the task's text.
const docker = await dockerAvailability();
const emulator = useEmulator();
let receiver: Server;
let url = '';
const bodies: string[] = [];
let scratch = '';

beforeAll(async () => {
  scratch = mkdtempSync(join(tmpdir(), 'bots-otlp-test-'));
  receiver = createServer((request, response) => {
    let body = '';
    request.setEncoding('utf8').on('data', (chunk: string) => {
      body += chunk;
    });
    request.on('end', () => {
      if (request.method === 'POST' && request.url === '/v1/traces') bodies.push(body);
      response.writeHead(200, { 'content-type': 'application/json' }).end('{}');
    });
  });
  await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
  url = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/v1/traces`;
});

afterAll(async () => {
  await new Promise((resolve) => receiver.close(resolve));
  rmSync(scratch, { recursive: true, force: true });
});

const TASK = 'Which port does the sample service listen on? (secret-task-text-4711)';

function script(request: ModelRequest): string {
  const reply = (thoughts: string, command: string) =>
    JSON.stringify({ task_done: command === '', thoughts, command });
  if (!request.messages.some((message) => message.role === 'assistant')) {
    return reply('Read the config.', 'cat config/service.toml');
  }
  return reply('Found it: listen_port = 7341', '');
}

interface OtlpSpan {
  name: string;
  spanId: string;
  parentSpanId?: string;
  attributes?: { key: string; value: Record<string, unknown> }[];
}

describe('bots batch exports its spans over OTLP when asked', () => {
  testWhen(docker)('the run, its steps, model calls and command reach the receiver', async () => {
    emulator.setScript(script);
    const tasks = join(scratch, 'tasks.jsonl');
    writeFileSync(
      tasks,
      `${JSON.stringify({ id: 'one', bot: 'read', folder: SAMPLE, task: TASK })}\n`,
    );
    const run = await runCli(['batch', tasks, '--model', 'azure-openai/gpt-4o-mini'], {
      env: cleanEnv({
        ...emulator.env,
        AZURE_AUTH_METHOD: 'azure_ad',
        OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: url,
      }),
      cwd: scratch,
      timeoutMs: 120_000,
    });
    expect(run.code, run.stderr).toBe(0);
    expect(run.stderr).toContain(`bots: traces: OTLP/HTTP to ${url} (service bots-batch)`);
    expect(bodies.length).toBeGreaterThan(0);
    const all = bodies.join('\n');
    const spans: OtlpSpan[] = bodies.flatMap((body) =>
      (
        JSON.parse(body) as { resourceSpans: { scopeSpans: { spans: OtlpSpan[] }[] }[] }
      ).resourceSpans.flatMap((resource) => resource.scopeSpans.flatMap((scope) => scope.spans)),
    );
    const names = spans.map((span) => span.name);
    for (const name of ['bots.run', 'bots.step', 'bots.model_call', 'bots.command']) {
      expect(names).toContain(name);
    }
    const runSpan = spans.find((span) => span.name === 'bots.run')!;
    const steps = spans.filter((span) => span.name === 'bots.step');
    expect(steps.length).toBe(2);
    expect(steps.every((step) => step.parentSpanId === runSpan.spanId)).toBe(true);
    expect(all).toContain('"bots-batch"');
    expect(all).not.toMatch(/eyJ[\w-]+\.eyJ/);
    expect(all).not.toContain('secret-task-text-4711');
  });
});
