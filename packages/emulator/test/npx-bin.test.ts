import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { type AddressInfo, createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';

// The package as users get it: built, packed, installed from the tarball into a scratch folder
// (offline: it has no dependencies), then run through npx. Everything talks over loopback.
const packageDirectory = fileURLToPath(new URL('..', import.meta.url));
const environment = {
  PATH: process.env['PATH'] ?? '/usr/bin:/bin',
  HOME: process.env['HOME'] ?? '/tmp',
  TMPDIR: process.env['TMPDIR'] ?? tmpdir(),
  LANG: process.env['LANG'] ?? 'C.UTF-8',
  npm_config_offline: 'true',
  npm_config_update_notifier: 'false',
};
let scratch = '';
// Every npx started, and the emulator's own pid once known (killing npx alone would orphan it).
const running: { child: ChildProcess; pid?: number }[] = [];

interface Finished {
  code: number | null;
  stdout: string;
  stderr: string;
}

function run(
  command: string,
  commandLine: string[],
  options: { cwd: string; env?: Record<string, string> },
): Promise<Finished> {
  return new Promise((resolve) => {
    execFile(
      command,
      commandLine,
      { cwd: options.cwd, env: options.env ?? environment, timeout: 240_000 },
      (error, stdout, stderr) => {
        const code = error === null ? 0 : typeof error.code === 'number' ? error.code : null;
        resolve({ code, stdout, stderr });
      },
    );
  });
}

beforeAll(async () => {
  const build = await run('npx', ['tsup'], { cwd: packageDirectory });
  expect(build.code, build.stderr).toBe(0);
  scratch = mkdtempSync(join(tmpdir(), 'npx-bin-test-'));
  const pack = await run('npm', ['pack', '--pack-destination', scratch], { cwd: packageDirectory });
  expect(pack.code, pack.stderr).toBe(0);
  const tarball = readdirSync(scratch).find((name) => name.endsWith('.tgz'));
  expect(tarball).toBeDefined();
  writeFileSync(join(scratch, 'package.json'), JSON.stringify({ name: 'scratch', private: true }));
  writeFileSync(join(scratch, 'script.json'), JSON.stringify(['Hello from the bin.']));
  const install = await run(
    'npm',
    ['install', '--offline', '--no-audit', '--no-fund', `./${tarball}`],
    { cwd: scratch },
  );
  expect(install.code, install.stderr).toBe(0);
}, 300_000);

afterEach(() => {
  for (const { child, pid } of running.splice(0)) {
    if (child.exitCode !== null || child.signalCode !== null) continue;
    if (pid !== undefined) process.kill(pid, 'SIGKILL');
    child.kill('SIGKILL');
  }
});

afterAll(() => {
  if (scratch !== '') rmSync(scratch, { recursive: true, force: true });
  expect(existsSync(scratch)).toBe(false);
});

interface RunningBin {
  stdout: string;
  stderr: string;
  /** The pid of the emulator's own Node process (from its banner), under npm and sh. */
  pid: number;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

/** Starts `npx ...` in the scratch folder and waits for its environment and banner. */
function startBin(commandLine: string[]): Promise<RunningBin> {
  const child = spawn('npx', ['--offline', ...commandLine], {
    cwd: scratch,
    env: environment,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const entry: { child: ChildProcess; pid?: number } = { child };
  running.push(entry);
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.once('exit', (code, signal) => resolve({ code, signal })),
  );
  return new Promise((resolve, reject) => {
    let stdout = '';
    let stderr = '';
    const check = () => {
      const pid = /kill -INT (\d+)/.exec(stderr)?.[1];
      if (pid !== undefined) entry.pid = Number(pid);
      if (pid !== undefined && /\n$/.test(stdout) && /PATH/.test(stdout)) {
        resolve({ stdout, stderr, pid: Number(pid), exited });
      }
    };
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
      stdout += chunk;
      check();
    });
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
      stderr += chunk;
      check();
    });
    void exited.then(({ code }) =>
      reject(new Error(`npx exited (${code}) before it was ready: ${stderr}`)),
    );
  });
}

const RESOURCE = 'https://cognitiveservices.azure.com';

/** A loopback port that was free a moment ago. */
function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

describe('npx bots-emulator (installed from the packed tarball)', () => {
  it('prints export lines that a shell sources; curl gets a token and the scripted reply', async () => {
    const bin = await startBin(['bots-emulator', '--script', 'script.json']);
    expect(bin.stdout).toMatch(/^export IDENTITY_ENDPOINT=http:\/\/127\.0\.0\.1:\d+\/msi\/token$/m);
    expect(bin.stdout).toMatch(/^export IDENTITY_HEADER=[0-9a-f-]{36}$/m);
    expect(bin.stdout).toMatch(/^export AZURE_OPENAI_ENDPOINT=http:\/\/127\.0\.0\.1:\d+$/m);
    const folder = /^export PATH=(\/\S+bots-emulator-cli-\w+):"\$PATH"$/m.exec(bin.stdout)?.[1];
    expect(folder).toBeDefined();
    expect(existsSync(join(folder!, 'az'))).toBe(true);
    expect(bin.stderr).toContain('@bots/emulator is listening on http://127.0.0.1:');
    writeFileSync(join(scratch, 'env.sh'), bin.stdout);

    const token = await run(
      'sh',
      [
        '-c',
        `. ./env.sh && curl -sS --fail-with-body --noproxy '*' -H "X-IDENTITY-HEADER: $IDENTITY_HEADER" "$IDENTITY_ENDPOINT?resource=${RESOURCE}&api-version=2019-08-01"`,
      ],
      { cwd: scratch },
    );
    expect(token.code, token.stdout + token.stderr).toBe(0);
    const identity = JSON.parse(token.stdout) as Record<string, string>;
    expect(identity).toMatchObject({ resource: RESOURCE, token_type: 'Bearer' });
    expect(identity['access_token']?.split('.')).toHaveLength(3);

    const chat = await run(
      'sh',
      [
        '-c',
        `. ./env.sh && curl -sS --fail-with-body --noproxy '*' -H "Authorization: Bearer $TOKEN" -H 'content-type: application/json' -d '{"messages":[{"role":"user","content":"hi"}]}' "$AZURE_OPENAI_ENDPOINT/openai/deployments/gpt-4o-mini/chat/completions?api-version=$AZURE_OPENAI_API_VERSION"`,
      ],
      { cwd: scratch, env: { ...environment, TOKEN: identity['access_token']! } },
    );
    expect(chat.code, chat.stdout + chat.stderr).toBe(0);
    const completion = JSON.parse(chat.stdout);
    expect(completion.choices[0].message.content).toBe('Hello from the bin.');

    const az = await run(
      'sh',
      ['-c', `. ./env.sh && az account get-access-token --output json --resource ${RESOURCE}`],
      { cwd: scratch },
    );
    expect(az.code, az.stderr).toBe(0);
    expect(Object.keys(JSON.parse(az.stdout))).toContain('expires_on');

    process.kill(bin.pid, 'SIGINT');
    expect(await bin.exited).toEqual({ code: 0, signal: null });
    expect(existsSync(folder!)).toBe(false);
  });

  it('npx @bots/emulator --json prints one JSON object; SIGTERM stops it with exit 0', async () => {
    const bin = await startBin(['@bots/emulator', '--json', '--token-lifetime', '120']);
    const env = JSON.parse(bin.stdout) as Record<string, string>;
    expect(env['IDENTITY_ENDPOINT']).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/msi\/token$/);
    const folder = env['PATH']!.split(':')[0]!;
    expect(existsSync(join(folder, 'azd'))).toBe(true);
    const url = `${env['IDENTITY_ENDPOINT']}?resource=${RESOURCE}&api-version=2019-08-01`;
    const refused = await run('curl', ['-sS', '--noproxy', '*', url], { cwd: scratch });
    expect(JSON.parse(refused.stdout)).toMatchObject({ statusCode: 403 });
    const token = await run(
      'curl',
      ['-sS', '--noproxy', '*', '-H', `X-IDENTITY-HEADER: ${env['IDENTITY_HEADER']}`, url],
      { cwd: scratch },
    );
    const body = JSON.parse(token.stdout) as Record<string, string>;
    const lifetime = Number(body['expires_on']) - Math.floor(Date.now() / 1000);
    expect(lifetime).toBeGreaterThan(100);
    expect(lifetime).toBeLessThanOrEqual(120);

    process.kill(bin.pid, 'SIGTERM');
    expect(await bin.exited).toEqual({ code: 0, signal: null });
    expect(existsSync(folder)).toBe(false);
  });

  it('--authority-port: curl gets a service principal token from the printed alternative', async () => {
    const port = await freePort();
    const bin = await startBin(['bots-emulator', '--authority-port', String(port)]);
    // The alternative sections are commented out: uncomment the service principal's lines.
    const start = bin.stdout.indexOf('# Alternative: a service principal');
    expect(start).toBeGreaterThan(0);
    const section = bin.stdout.slice(start).split('\n# Alternative: managed identity')[0]!;
    const alternative: Record<string, string> = {};
    for (const line of section.split('\n')) {
      // Values are shell words: bare, or in single quotes (the secret has a `~`).
      const match = /^# export ([A-Z_]+)=(?:'([^']*)'|(\S+))$/.exec(line);
      if (match) alternative[match[1]!] = match[2] ?? match[3]!;
    }
    expect(alternative['AZURE_AUTHORITY_HOST']).toBe(`https://127.0.0.1:${port}`);
    expect(bin.stdout).not.toMatch(/^export AZURE_CLIENT_SECRET=/m);
    const token = await run(
      'curl',
      [
        '-sS',
        '--noproxy',
        '*',
        '--cacert',
        alternative['NODE_EXTRA_CA_CERTS']!,
        '-d',
        'grant_type=client_credentials',
        '--data-urlencode',
        `client_id=${alternative['AZURE_CLIENT_ID']}`,
        '--data-urlencode',
        `client_secret=${alternative['AZURE_CLIENT_SECRET']}`,
        '--data-urlencode',
        'scope=https://cognitiveservices.azure.com/.default',
        `${alternative['AZURE_AUTHORITY_HOST']}/${alternative['AZURE_TENANT_ID']}/oauth2/v2.0/token`,
      ],
      { cwd: scratch },
    );
    expect(token.code).toBe(0);
    const body = JSON.parse(token.stdout) as Record<string, unknown>;
    expect(body['token_type']).toBe('Bearer');
    expect(typeof body['access_token']).toBe('string');

    process.kill(bin.pid, 'SIGINT');
    expect(await bin.exited).toEqual({ code: 0, signal: null });
  });

  it('refuses a bad flag with exit 2 and a message naming it', async () => {
    const port = await run('npx', ['--offline', 'bots-emulator', '--port', 'nope'], {
      cwd: scratch,
    });
    expect(port.code).toBe(2);
    expect(port.stderr).toContain('--port takes a port number from 0 to 65535; got "nope".');
    const script = await run('npx', ['--offline', 'bots-emulator', '--script', 'missing.json'], {
      cwd: scratch,
    });
    expect(script.code).toBe(2);
    expect(script.stderr).toContain('--script cannot read missing.json (ENOENT)');
    const unknown = await run('npx', ['--offline', 'bots-emulator', '--frobnicate'], {
      cwd: scratch,
    });
    expect(unknown).toMatchObject({ code: 2, stdout: '' });
    expect(unknown.stderr).toContain('Unknown flag --frobnicate. Run bots-emulator --help');
    const help = await run('npx', ['--offline', 'bots-emulator', '--help'], { cwd: scratch });
    expect(help.code).toBe(0);
    for (const flag of [
      '--port',
      '--authority-port',
      '--token-lifetime',
      '--script',
      '--json',
      '--help',
    ]) {
      expect(help.stdout).toContain(flag);
    }
  });
});
