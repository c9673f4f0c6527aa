import { PassThrough } from 'node:stream';
import Docker from 'dockerode';
import { describe, expect, test } from 'vitest';
import { followImageBuild } from './docker-images.js';

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

  test('rejects when the signal aborts, without waiting for the build', async () => {
    const stream = new PassThrough(); // a build that never ends
    const controller = new AbortController();
    const following = followImageBuild(docker, stream, () => undefined, controller.signal);
    controller.abort();
    await expect(following).rejects.toThrow('stopped waiting for the build');
    stream.destroy();
  });
});
