// The behaviour both sandboxes (Docker and local) must have, as one set of tests that each
// sandbox's test file runs against its own factory. Test support (not shipped).
import { lstatSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import type { Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, test } from 'vitest';
import type { Environment, Mount } from '../src/environment.js';
import { hashTree, makeFixture } from './folder-fixture.js';
import { FORK_LOOP } from './fork-loop.js';
import { listenOnLoopback } from './loopback-server.js';

/** Options every sandbox factory understands. */
export interface FactoryOptions {
  mounts?: Mount[];
  network?: boolean;
  memory?: number;
  pids?: number;
  env?: Record<string, string>;
  outputLimit?: number;
}

const CONNECT = (port: number) =>
  `if timeout 3 bash -c 'exec 3<>/dev/tcp/127.0.0.1/${port}; head -n1 <&3' 2>/dev/null; then echo CONNECTED; else echo REFUSED; fi`;

/**
 * The behaviour both sandboxes must have. `make` creates an environment; every environment a
 * test makes is disposed in afterEach.
 */
export function sandboxContract(make: (options?: FactoryOptions) => Environment): void {
  const live: Environment[] = [];
  const create = (options?: FactoryOptions) => {
    const environment = make(options);
    live.push(environment);
    return environment;
  };
  const fixtures: string[] = [];
  afterEach(async () => {
    await Promise.all(live.splice(0).map((environment) => environment.dispose()));
  });
  afterAll(() => {
    for (const fixture of fixtures) rmSync(fixture, { recursive: true, force: true });
  });
  const fixture = () => {
    const root = makeFixture();
    fixtures.push(root);
    return root;
  };

  test('cd, export, variables and functions persist between commands; exit codes come back', async () => {
    const environment = create();
    expect(
      await environment.execute('cd /tmp && export A=1; B=2; f() { echo "f:$1"; }'),
    ).toMatchObject({
      exitCode: 0,
    });
    const result = await environment.execute('pwd; echo "$A $B"; f x');
    expect(result.output).toBe('/tmp\n1 2\nf:x\n');
    expect((await environment.execute('false')).exitCode).toBe(1);
    expect((await environment.execute('(exit 42)')).exitCode).toBe(42);
    expect((await environment.execute('echo "unterminated')).exitCode).toBe(2);
    expect((await environment.execute('cat; echo read-nothing')).output).toBe('read-nothing\n');
    expect((await environment.execute('printf "no newline"')).output).toBe('no newline');
  });

  test('exit in the shell: the exit code is reported and a new shell runs the next command', async () => {
    const environment = create();
    const exited = await environment.execute('exit 7');
    expect(exited.exitCode).toBe(7);
    expect(exited.output).toContain('shell ended');
    const next = await environment.execute('echo alive');
    expect(next.exitCode).toBe(0);
    expect(next.output).toContain('alive');
    expect(next.output).toContain('new shell');
  });

  test('output is capped: head and tail kept, marker in between', async () => {
    const environment = create({ outputLimit: 1000 });
    const result = await environment.execute('seq 1 100000');
    expect(result.truncated).toBe(true);
    expect(result.output.startsWith('1\n2\n3\n')).toBe(true);
    expect(result.output.endsWith('99999\n100000\n')).toBe(true);
    expect(result.output).toMatch(/…\[\d+ characters cut\]…/);
    expect(result.output.length).toBeLessThan(1100);
  });

  test('timeout kills `sleep 1000` with 124; the same shell (cwd, env) runs the next command', async () => {
    const environment = create();
    await environment.execute('cd /tmp; export KEPT=yes');
    const started = performance.now();
    const result = await environment.execute('echo before; sleep 1000', { timeoutMs: 800 });
    expect(performance.now() - started).toBeLessThan(3000);
    expect(result).toMatchObject({ exitCode: 124, timedOut: true });
    expect(result.output).toContain('before');
    const next = await environment.execute(
      'echo "$PWD $KEPT"; ps -e -o args= | grep -c "^sleep 1000$" || true',
    );
    expect(next.output.split('\n')[0]).toBe('/tmp yes');
    expect(next.output).not.toContain('new shell');
    expect(next.output.split('\n')[1]).toBe('0');
  });

  test('timeout of a loop inside the shell itself: the shell is replaced, 124 reported', async () => {
    const environment = create();
    const result = await environment.execute('while :; do :; done', { timeoutMs: 300 });
    expect(result).toMatchObject({ exitCode: 124, timedOut: true });
    expect((await environment.execute('echo ok')).output).toContain('ok');
  });

  test('abort via signal kills the command and rejects; the sandbox still answers', async () => {
    const environment = create();
    await environment.start();
    const controller = new AbortController();
    const running = environment.execute('sleep 1000', { signal: controller.signal });
    setTimeout(() => controller.abort(new Error('stop now')), 300);
    await expect(running).rejects.toThrow('stop now');
    const next = await environment.execute('echo ok');
    expect(next.output).toContain('ok');
  });

  test('read-only mount: writes, deletes and rm -rf inside leave the host folder byte-identical', async () => {
    const root = fixture();
    const before = hashTree(root);
    const environment = create({ mounts: [{ hostPath: root, sandboxPath: '/workdir/project' }] });
    const result = await environment.execute(
      'pwd; cat a.txt; echo changed > a.txt; echo more >> sub/b.txt; rm sub/deep/c.bin; mkdir made; echo x > made/new; cat a.txt; rm -rf sub link; ls',
    );
    expect(result.exitCode).toBe(0);
    expect(result.output).toBe('/workdir/project\nalpha\nchanged\na.txt\nmade\n');
    expect(
      (await environment.execute('rm -rf /workdir/project/* && ls -A /workdir/project | wc -l'))
        .output,
    ).toBe('0\n');
    expect(hashTree(root)).toBe(before);
    await environment.dispose();
    expect(hashTree(root)).toBe(before);
  });

  test('read-write mount: changes reach the host folder', async () => {
    const root = fixture();
    const environment = create({ mounts: [{ hostPath: root, mode: 'read-write' }] });
    const result = await environment.execute('echo written > out.txt && rm a.txt && pwd');
    expect(result.exitCode).toBe(0);
    expect(readFileSync(join(root, 'out.txt'), 'utf8')).toBe('written\n');
    expect(() => lstatSync(join(root, 'a.txt'))).toThrow();
  });

  test('copyIn puts a file and a folder into the sandbox', async () => {
    const root = fixture();
    const environment = create();
    await environment.copyIn(join(root, 'a.txt'), '/workdir/copied/a.txt');
    await environment.copyIn(join(root, 'sub'), '/workdir/tree');
    const result = await environment.execute(
      'cat /workdir/copied/a.txt /workdir/tree/b.txt; od -An -tu1 /workdir/tree/deep/c.bin',
    );
    expect(result.output.replace(/\s+/g, ' ').trim()).toBe('alpha beta 0 1 2 255');
  });

  test('fork loop is stopped by the pids limit and the sandbox still answers', async () => {
    const environment = create({ pids: 64 });
    const result = await environment.execute(FORK_LOOP, { timeoutMs: 60_000 });
    const match = /fork failed after (\d+) children/.exec(result.output);
    expect(match, result.output).not.toBeNull();
    expect(Number(match![1])).toBeLessThan(64);
    expect((await environment.execute('echo alive')).output).toContain('alive');
  });

  test('memory hog (python3 allocating 2 GiB) is killed and the sandbox still answers', async () => {
    const environment = create({ memory: 256 * 1024 ** 2 });
    const result = await environment.execute(
      `python3 -c 'data = b"x" * (2 * 1024 ** 3); print("allocated", len(data))'`,
      { timeoutMs: 60_000 },
    );
    expect(result.output).not.toMatch(/^allocated \d+/m);
    expect(result.exitCode).toBe(137);
    expect((await environment.execute('echo alive')).output).toContain('alive');
  });

  describe('network', () => {
    let server: Server;
    let port: number;
    beforeAll(async () => {
      ({ server, port } = await listenOnLoopback());
    });
    afterAll(() => {
      server.close();
    });

    test('without the network option, a port the test listens on is unreachable', async () => {
      const environment = create();
      expect((await environment.execute(CONNECT(port))).output).toBe('REFUSED\n');
    });

    test('with network: true the same port answers (positive control)', async () => {
      const environment = create({ network: true });
      expect((await environment.execute(CONNECT(port))).output).toBe('hello\nCONNECTED\n');
    });
  });

  describe('host secrets and folders', () => {
    const saved = {
      key: process.env['AZURE_OPENAI_API_KEY'],
      token: process.env['AZURE_OPENAI_AD_TOKEN'],
    };
    beforeAll(() => {
      process.env['AZURE_OPENAI_API_KEY'] = 'sk-test-secret';
      process.env['AZURE_OPENAI_AD_TOKEN'] = 'eyJ-test-token';
    });
    afterAll(() => {
      for (const [name, value] of [
        ['AZURE_OPENAI_API_KEY', saved.key],
        ['AZURE_OPENAI_AD_TOKEN', saved.token],
      ] as const) {
        if (value === undefined) delete process.env[name];
        else process.env[name] = value;
      }
    });

    test('env inside shows only what was passed, no host variables', async () => {
      const environment = create({ env: { PASSED_ON_PURPOSE: 'yes' } });
      const { output } = await environment.execute('env');
      expect(output).toContain('PASSED_ON_PURPOSE=yes');
      expect(output).not.toContain('sk-test-secret');
      expect(output).not.toContain('eyJ-test-token');
      expect(output).not.toContain('AZURE_OPENAI');
      expect(output).not.toContain('DOCKER_HOST');
    });

    test("the host's /root, /tmp and ~/.azure are not visible", async () => {
      const { homedir } = await import('node:os');
      const marker = `bots-sandbox-marker-${process.pid}-${Date.now()}`;
      const azure = join(homedir(), '.azure');
      let createdAzure = false;
      try {
        lstatSync(azure);
      } catch {
        mkdirSync(azure);
        createdAzure = true;
      }
      const planted = [join(homedir(), marker), join(tmpdir(), marker), join(azure, marker)];
      for (const path of planted) writeFileSync(path, 'secret');
      try {
        const environment = create();
        const checks = [...planted, '/root/.azure', `/root/${marker}`, `/tmp/${marker}`];
        const { output } = await environment.execute(
          `for p in ${checks.join(' ')}; do if [ -e "$p" ]; then echo "VISIBLE $p"; fi; done; ls -A /tmp | wc -l`,
        );
        expect(output).toBe('0\n');
      } finally {
        for (const path of planted) rmSync(path, { force: true });
        if (createdAzure) rmSync(azure, { recursive: true, force: true });
      }
    });
  });
}
