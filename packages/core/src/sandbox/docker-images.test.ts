import { randomBytes } from 'node:crypto';
import { PassThrough, Readable } from 'node:stream';
import { describeWhen, dockerAvailability } from '@bots/test-kit';
import Docker from 'dockerode';
import { afterAll, describe, expect, test } from 'vitest';
import { listenOnLoopback } from '../../test/loopback-server.js';
import {
  BUILD_LOG_TAIL_LINES,
  buildImage,
  buildNetworkMode,
  followImageBuild,
  plainText,
} from './docker-images.js';
import { SandboxError } from './errors.js';
import { tarOfFiles } from './sandbox-image.js';

// dockerode's modem parses the build stream (JSON lines) without talking to an engine.
const docker = new Docker({ socketPath: '/nonexistent/docker.sock' });

function buildStream(events: object[]): PassThrough {
  const stream = new PassThrough();
  for (const event of events) stream.write(`${JSON.stringify(event)}\r\n`);
  stream.end();
  return stream;
}

describe('followImageBuild', () => {
  test('passes each non-empty line on and resolves when the build succeeded', async () => {
    const lines: string[] = [];
    await followImageBuild(
      docker,
      buildStream([
        { stream: 'Step 1/2 : FROM debian:bookworm-slim\n' },
        { stream: '\n' },
        { status: 'Downloading' },
        { stream: 'Step 2/2 : RUN true\nok\n' },
      ]),
      (line) => lines.push(line),
    );
    expect(lines).toEqual([
      'Step 1/2 : FROM debian:bookworm-slim',
      'Downloading',
      'Step 2/2 : RUN true',
      'ok',
    ]);
  });

  test("rejects with the engine's message when a step failed", async () => {
    const stream = buildStream([
      { stream: 'Step 1/1 : RUN false\n' },
      {
        error: 'The command returned a non-zero code: 1',
        errorDetail: { message: "The command '/bin/sh -c false' returned a non-zero code: 1" },
      },
    ]);
    await expect(followImageBuild(docker, stream, () => undefined)).rejects.toThrow(
      "The command '/bin/sh -c false' returned a non-zero code: 1",
    );
  });

  test('lines reach onLine as plain text: no colours, no cursor moves, the last state of a progress line', async () => {
    const lines: string[] = [];
    await followImageBuild(
      docker,
      buildStream([
        { stream: '\u001b[1;31mE: \u001b[0mUnable to locate package nope\n' },
        { stream: 'Get:1 10%\rGet:1 55%\rGet:1 100%\n\u001b]0;title\u0007done\u001b[K\n' },
      ]),
      (line) => lines.push(line),
    );
    expect(lines).toEqual(['E: Unable to locate package nope', 'Get:1 100%', 'done']);
  });

  test('rejects when the signal aborts, without waiting for the build', async () => {
    const stream = new PassThrough(); // a build that never ends
    const controller = new AbortController();
    const following = followImageBuild(docker, stream, () => undefined, controller.signal);
    controller.abort();
    await expect(following).rejects.toThrow('stopped waiting for the build');
    stream.destroy();
  });
});

test('plainText removes escape sequences and control characters, keeps text, tabs and newlines', () => {
  expect(plainText('\u001b[32mok\u001b[0m\tnext\n\u009b2Kx\u0007\u001bMy')).toBe('ok\tnext\nxy');
  expect(plainText('50%\r100%\r')).toBe('100%');
  expect(plainText('plain')).toBe('plain');
});

const engine = new Docker();
const availability = await dockerAvailability(engine);

describeWhen('buildImage against the engine (needs a Docker engine)', availability, () => {
  const tags: string[] = [];
  afterAll(async () => {
    for (const tag of tags)
      await engine
        .getImage(tag)
        .remove({ force: true })
        .catch(() => undefined);
  });

  test('a failed RUN leaves no container and fails with a short, plain-text SandboxError', async () => {
    const token = `bots-failing-build-${randomBytes(6).toString('hex')}`;
    const dockerfile = [
      'FROM debian:bookworm-slim',
      `RUN printf '\\033[1;31mred ${token}\\033[0m\\n'; for i in $(seq 1 80); do echo "line $i ${token}"; done; printf 'progress 10%%\\rprogress 100%%\\n'; exit 3`,
      '',
    ].join('\n');
    const lines: string[] = [];
    const building = buildImage({
      docker: engine,
      context: Readable.from([tarOfFiles({ Dockerfile: dockerfile })]),
      tag: `${token}:1`,
      description: 'a test image',
      onProgress: (line) => lines.push(line),
    });
    const error = await building.catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(SandboxError);
    const message = (error as SandboxError).message;
    expect(message).toMatch(
      /^Building a test image bots-failing-build-\w+:1 failed: .*returned a non-zero code: 3\nLast lines of the build log:\n/,
    );
    expect(message).toContain(`line 80 ${token}`);
    expect(message).not.toContain(`line 60 ${token}`);
    expect(message.split('\n').length).toBeLessThanOrEqual(BUILD_LOG_TAIL_LINES + 2);
    expect(message).not.toMatch(/[\u0000-\u0008\u000b-\u001f\u007f]/);
    expect(lines).toContain(`red ${token}`);
    expect(lines).toContain('progress 100%');
    const containers = await engine.listContainers({ all: true });
    expect(containers.filter((container) => container.Command.includes(token))).toEqual([]);
  });

  test('RUN steps use the host network when the engine has no bridge (a RUN reaches a port on loopback)', async () => {
    const mode = await buildNetworkMode(engine);
    const networks = await engine.listNetworks();
    expect(mode).toBe(networks.some((network) => network.Name === 'bridge') ? undefined : 'host');
    const { server, port } = await listenOnLoopback();
    try {
      const tag = `bots-network-build-${randomBytes(6).toString('hex')}:1`;
      tags.push(tag);
      const lines: string[] = [];
      const dockerfile = `FROM debian:bookworm-slim\nRUN bash -c 'exec 3<>/dev/tcp/127.0.0.1/${port}; head -n1 <&3'\n`;
      // What the build asked the engine for.
      const sent: Record<string, unknown>[] = [];
      const recording = Object.create(engine) as Docker;
      recording.buildImage = ((context: never, options: Record<string, unknown>) => {
        sent.push(options);
        return engine.buildImage(context, options);
      }) as Docker['buildImage'];
      await buildImage({
        docker: recording,
        context: Readable.from([tarOfFiles({ Dockerfile: dockerfile })]),
        tag,
        description: 'a test image',
        onProgress: (line) => lines.push(line),
      });
      expect(lines).toContain('hello');
      expect(sent).toEqual([expect.objectContaining({ t: tag, rm: true, forcerm: true })]);
      expect(sent[0]?.['networkmode']).toBe(mode);
    } finally {
      server.close();
    }
  });
});
