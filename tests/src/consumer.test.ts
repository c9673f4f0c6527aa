// The packages as a TypeScript user meets them. Every package of packages/* is packed as it
// would be published and installed with npm into one scratch project, with its own dependencies
// from the registry and nothing else (no @azure/identity, no @types/dockerode). There:
// - each tarball ships what its README links to;
// - the declarations of every entry point typecheck, ESM and CommonJS, under strict tsc with
//   skipLibCheck off, and so do the README examples that need nothing else;
// - every entry point loads with require() without loading @azure/identity;
// - then, with what the READMEs' `npm install` lines add, every TypeScript block of every
//   Markdown file of the repository is compiled with strict tsc (target ES2022, module nodenext)
//   and, unless its marker says why not, run with Node against the emulator, as written: it must
//   exit 0 (and print what its marker says), and fail loudly (exit code not 0, the error on
//   stderr) when its model, sandbox or browser fails. See markdown-examples.ts for the markers.
import { execFile, execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, posix } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { MODEL_ENDPOINT_KINDS } from '@bots/emulator';
import { useEmulator } from '@bots/emulator/testing';
import {
  type Availability,
  anyOf,
  bubblewrapAvailability,
  chromiumAvailability,
  dockerAvailability,
} from '@bots/test-kit';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { exampleScript, writeExampleFixtures } from './example-fixtures.js';
import { type MarkdownExample, readExamples, readExamplesOf } from './markdown-examples.js';
import {
  fileDependency,
  npmInstall,
  type PackedPackage,
  packPackages,
  repoRoot,
  STRICT_CONSUMER_OPTIONS,
  typecheck,
  workspaceVersion,
  writeProject,
} from './scratch-project.js';

const inCI = Boolean(process.env.CI);
const scratch = mkdtempSync(join(tmpdir(), 'bots-consumer-'));
const project = join(scratch, 'project');
const work = join(scratch, 'work');
const guard = fileURLToPath(new URL('./loopback-guard.mjs', import.meta.url));

const markdownFiles = execFileSync(
  'git',
  ['ls-files', '--cached', '--others', '--exclude-standard', '*.md'],
  { cwd: repoRoot, encoding: 'utf8' },
)
  .split('\n')
  .filter(
    (file) => file && !file.startsWith('apps/demo/sample/') && existsSync(join(repoRoot, file)),
  );
const { examples, problems } = readExamplesOf(repoRoot, markdownFiles);

/** Where an example lives in the scratch project. */
function slug(example: MarkdownExample): string {
  return `${example.file.replace(/\.md$/, '').replace(/[^a-zA-Z0-9]+/g, '-')}-${example.line}`.toLowerCase();
}
function sourceOf(example: MarkdownExample): string {
  return example.mode === 'vitest'
    ? `vitest-examples/${slug(example)}.test.ts`
    : `examples/${slug(example)}.ts`;
}
function outputOf(example: MarkdownExample): string {
  return join(project, 'out', sourceOf(example).replace(/\.ts$/, '.js'));
}

/** Bare module names an example imports (not node: builtins). */
function importsOf(code: string): string[] {
  const names = new Set<string>();
  for (const [, specifier = ''] of code.matchAll(/\bfrom\s+['"]([^'"]+)['"]/g)) {
    if (specifier.startsWith('node:') || specifier.startsWith('.')) continue;
    const parts = specifier.split('/');
    names.add(specifier.startsWith('@') ? parts.slice(0, 2).join('/') : (parts[0] ?? specifier));
  }
  return [...names];
}

/** The packages of each `npm install` line of the READMEs' shell blocks. */
function installLines(): string[][] {
  const lines: string[][] = [];
  for (const file of markdownFiles) {
    const text = readFileSync(join(repoRoot, file), 'utf8');
    for (const [, args = ''] of text.matchAll(/^\s*npm install ([^#\n]+)/gm)) {
      lines.push(
        args
          .trim()
          .split(/\s+/)
          .filter((word) => !word.startsWith('-'))
          .map((word) => word.replace(/(.)@[^/]*$/, '$1')),
      );
    }
  }
  return lines;
}

/** Packages the READMEs' shell blocks tell users to `npm install`. */
function namedByInstallLines(): Set<string> {
  return new Set(installLines().flat());
}

/**
 * What an install line adds beside a package an example imports: what it needs at run time
 * without importing it (`@github/copilot`, the CLI that `@github/copilot-sdk` drives).
 */
function companionsOf(imported: ReadonlySet<string>): string[] {
  return installLines()
    .filter((line) => line.some((name) => imported.has(name)))
    .flat()
    .filter((name) => !name.startsWith('@bots/') && !imported.has(name));
}

async function machine(): Promise<Record<MarkdownExample['needs'][number], Availability>> {
  const docker = await dockerAvailability();
  const bwrap = bubblewrapAvailability();
  const chromium = chromiumAvailability();
  return {
    docker,
    bwrap,
    chromium,
    sandbox: anyOf([docker, bwrap]),
    browser: anyOf([docker, chromium]),
  };
}

/** A progress line on stderr, with the seconds since the previous one. */
let last = Date.now();
function progress(message: string): void {
  process.stderr.write(`[consumer] ${message} (${((Date.now() - last) / 1000).toFixed(1)} s)\n`);
  last = Date.now();
}

let packed: PackedPackage[] = [];
const emulator = useEmulator({ script: exampleScript });
let available: Awaited<ReturnType<typeof machine>>;

beforeAll(async () => {
  last = Date.now();
  packed = packPackages(join(scratch, 'tarballs'));
  progress(`packed ${packed.map((pkg) => pkg.name).join(', ')}`);
  writeProject(
    project,
    Object.fromEntries(packed.map((pkg) => [pkg.name, fileDependency(project, pkg.tarball)])),
    {
      typescript: workspaceVersion('typescript'),
      '@types/node': workspaceVersion('@types/node'),
    },
  );
  await npmInstall(project);
  progress('installed them with npm in a scratch project');
}, 600_000);

afterAll(async () => {
  rmSync(scratch, { recursive: true, force: true });
});

describe('the packed packages in a scratch project, installed with npm', () => {
  test('bring neither @azure/identity nor @types/dockerode', () => {
    expect(existsSync(join(project, 'node_modules', '@azure', 'identity'))).toBe(false);
    expect(existsSync(join(project, 'node_modules', '@types', 'dockerode'))).toBe(false);
  });

  test('ship every file their README links to', () => {
    const missing: string[] = [];
    for (const pkg of packed) {
      const readme = readFileSync(join(repoRoot, pkg.folder, 'README.md'), 'utf8');
      for (const [, target = ''] of readme.matchAll(/\]\(([^)#\s]+)(?:#[^)]*)?\)/g)) {
        if (/^[a-z]+:/.test(target)) continue;
        const path = posix.normalize(target);
        if (!pkg.files.includes(path) && !pkg.files.some((file) => file.startsWith(`${path}/`))) {
          missing.push(
            `${pkg.name}: README.md links to ${target}, which the tarball does not hold`,
          );
        }
      }
    }
    expect(missing).toEqual([]);
  });

  test('declarations of every entry point typecheck (ESM and CommonJS), strict, skipLibCheck off, with only their own dependencies; so do the README examples that need nothing else', async () => {
    const entryPoints = packed.flatMap((pkg) => pkg.entryPoints);
    const checks = join(project, 'declarations');
    mkdirSync(checks, { recursive: true });
    writeFileSync(
      join(checks, 'esm.ts'),
      `${entryPoints.map((entry, index) => `import * as entry${index} from '${entry}';`).join('\n')}\nconsole.log([${entryPoints.map((_, index) => `entry${index}`).join(', ')}].length);\n`,
    );
    writeFileSync(
      join(checks, 'cjs.cts'),
      `${entryPoints.map((entry, index) => `import entry${index} = require('${entry}');`).join('\n')}\nconsole.log([${entryPoints.map((_, index) => `entry${index}`).join(', ')}].length);\n`,
    );
    const installed = new Set(packed.map((pkg) => pkg.name));
    const alone = examples.filter(
      (example) =>
        example.mode !== 'fragment' && importsOf(example.code).every((name) => installed.has(name)),
    );
    for (const example of alone) {
      writeFileSync(join(checks, `${slug(example)}.ts`), example.code);
    }
    writeFileSync(
      join(project, 'tsconfig.declarations.json'),
      JSON.stringify({
        compilerOptions: { ...STRICT_CONSUMER_OPTIONS, noEmit: true },
        include: ['declarations'],
      }),
    );
    expect(alone.length).toBeGreaterThan(5);
    const result = await typecheck(project, 'tsconfig.declarations.json');
    expect(result.output).toBe('');
    expect(result.ok).toBe(true);
  }, 120_000);

  test('every entry point loads with require() without loading @azure/identity', async () => {
    const script = `
      const loaded = {};
      for (const entry of ${JSON.stringify(packed.flatMap((pkg) => pkg.entryPoints))}) {
        loaded[entry] = Object.keys(require(entry)).length > 0;
      }
      const azure = Object.keys(require.cache).filter((path) => path.includes('@azure'));
      console.log(JSON.stringify({ loaded, azure }));
    `;
    writeFileSync(join(project, 'require-all.cjs'), script);
    const { stdout } = await promisify(execFile)(process.execPath, ['require-all.cjs'], {
      cwd: project,
      encoding: 'utf8',
    });
    const { loaded, azure } = JSON.parse(stdout) as {
      loaded: Record<string, boolean>;
      azure: string[];
    };
    expect(Object.keys(loaded).sort()).toEqual(packed.flatMap((pkg) => pkg.entryPoints).sort());
    expect(Object.values(loaded).every(Boolean)).toBe(true);
    expect(azure).toEqual([]);
  }, 60_000);
});

let compiled: { ok: boolean; output: string } = { ok: false, output: 'not compiled' };

describe('README examples, as written, from the packed packages', () => {
  beforeAll(async () => {
    const imported = new Set(
      examples
        .filter((example) => example.mode !== 'fragment')
        .flatMap((example) => importsOf(example.code)),
    );
    const extras = new Set(
      [...examples.flatMap((example) => importsOf(example.code)), ...companionsOf(imported)].filter(
        (name) => !name.startsWith('@bots/'),
      ),
    );
    const development = new Set(
      examples
        .filter((example) => example.mode === 'vitest')
        .flatMap((example) => importsOf(example.code)),
    );
    const named = namedByInstallLines();
    const unnamed = [...extras].filter((name) => !named.has(name));
    if (unnamed.length > 0) {
      throw new Error(
        `The examples import ${unnamed.join(', ')}, which no README's npm install line names.`,
      );
    }
    const runtime = [...extras].filter((name) => !development.has(name));
    if (runtime.length > 0) {
      await npmInstall(
        project,
        runtime.map((name) => `${name}@${workspaceVersion(name)}`),
      );
    }
    const dev = [...development].filter((name) => extras.has(name));
    if (dev.length > 0) {
      await npmInstall(project, [
        '--save-dev',
        ...dev.map((name) => `${name}@${workspaceVersion(name)}`),
      ]);
    }
    for (const example of examples) {
      if (example.mode === 'fragment') continue;
      const source = join(project, sourceOf(example));
      mkdirSync(dirname(source), { recursive: true });
      writeFileSync(source, example.code);
    }
    writeFileSync(
      join(project, 'tsconfig.json'),
      JSON.stringify({
        compilerOptions: { ...STRICT_CONSUMER_OPTIONS, outDir: 'out', rootDir: '.' },
        include: ['examples', 'vitest-examples'],
      }),
    );
    progress(`installed what the README install lines add: ${[...extras].join(', ')}`);
    compiled = await typecheck(project, 'tsconfig.json');
    progress('compiled the examples');
    writeExampleFixtures(work);
    available = await machine();
  }, 600_000);

  test('every TypeScript block of every Markdown file says how it is checked, and none uses await using', () => {
    const awaitUsing = examples
      .filter((example) => /\bawait\s+using\b/.test(example.code))
      .map(
        (example) =>
          `${example.file}:${example.line} uses await using, which Node 20 cannot parse (and tsc keeps for target esnext); use try/finally with dispose().`,
      );
    expect([
      ...problems.map((problem) => `${problem.file}:${problem.line} ${problem.problem}`),
      ...awaitUsing,
    ]).toEqual([]);
    expect(examples.length).toBeGreaterThan(10);
  });

  test('the examples compile with strict tsc (skipLibCheck off)', () => {
    expect(compiled.output).toBe('');
    expect(compiled.ok).toBe(true);
  });

  for (const example of examples) {
    const where = `${example.file}:${example.line}`;
    if (example.mode === 'fragment' || example.mode === 'compile') {
      test(`${where} is not run (${example.mode})`, (context) => context.skip(example.reason));
      continue;
    }
    test(example.mode === 'vitest'
      ? `${where} passes as a vitest test file`
      : `${where} runs as written${example.needs.length > 0 ? ` (needs ${example.needs.join(', ')})` : ''}`, async (context) => {
      const missing = example.needs.map((need) => available[need]).find((need) => !need.available);
      if (missing) {
        if (inCI) throw new Error(`CI is set but ${missing.reason}`);
        context.skip(missing.reason);
      }
      expect(compilerErrorsOf(example)).toEqual([]);
      if (example.mode === 'vitest') {
        const run = await runExample(
          example,
          {},
          [join(project, 'node_modules', 'vitest', 'vitest.mjs'), 'run', sourceOf(example)],
          project,
        );
        expect(run.code, run.stderr + run.stdout).toBe(0);
        return;
      }
      const before = emulator.requests.length;
      const run = await runExample(example, {});
      expect(run.code, `exit code; stderr:\n${run.stderr}`).toBe(0);
      for (const text of example.prints) expect(run.stdout).toContain(text);
      if (example.env !== 'none') expectAcceptedRequests(example, before);

      if (example.noFailureRun) return;
      const broken = await failureRun(example);
      expect(
        broken.code,
        `exit code of the failure run (an example that cannot fail from outside says "no failure run; <reason>" in its marker); stdout:\n${broken.stdout}`,
      ).not.toBe(0);
      expect(broken.stderr.trim()).not.toBe('');
    }, 300_000);
  }
});

function compilerErrorsOf(example: MarkdownExample): string[] {
  return compiled.output.split('\n').filter((line) => line.startsWith(sourceOf(example)));
}

function expectAcceptedRequests(example: MarkdownExample, before: number): void {
  const made = emulator.requests.all().slice(before);
  expect(made.length, 'requests to the emulator').toBeGreaterThan(0);
  for (const request of made.filter(
    (entry) => entry.kind !== 'identity' && entry.kind !== 'metadata',
  )) {
    expect(request.auth.accepted, `${request.kind} ${request.path}`).toBe(true);
    if (example.env === 'keyless') {
      expect(request.auth).toMatchObject({ scheme: 'bearer', jsonWebToken: true });
    } else {
      expect(request.auth.jsonWebToken ?? false).toBe(false);
    }
  }
}

/**
 * Runs the example again so that it fails: the test's emulator refuses every request (examples
 * that use it), or (examples with their own emulator) no TCP connection succeeds, no Docker engine
 * answers and there is no Chromium.
 */
async function failureRun(example: MarkdownExample): Promise<RunOutcome> {
  if (example.env !== 'none') {
    emulator.inject(
      { status: 400, message: 'The README test refuses this request on purpose.' },
      { times: 10_000, kinds: [...MODEL_ENDPOINT_KINDS, 'identity'] },
    );
    try {
      return await runExample(example, {});
    } finally {
      emulator.clearFaults();
    }
  }
  return runExample(example, {
    BOTS_TEST_NETWORK: 'down',
    DOCKER_HOST: 'unix:///nonexistent/docker.sock',
    CHROMIUM_PATH: '/nonexistent/chromium',
  });
}

interface RunOutcome {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs a compiled example with Node 20 (or `command`), in the folder of the example files. */
async function runExample(
  example: MarkdownExample,
  overrides: Record<string, string>,
  command: string[] = [outputOf(example)],
  cwd = work,
): Promise<RunOutcome> {
  const home = join(scratch, 'home');
  mkdirSync(home, { recursive: true });
  const env: Record<string, string> = {
    PATH: process.env.PATH ?? '/usr/bin:/bin',
    HOME: home,
    NODE_OPTIONS: `--import=${guard}`,
    ...(process.env.DOCKER_HOST ? { DOCKER_HOST: process.env.DOCKER_HOST } : {}),
    ...(process.env.CHROMIUM_PATH ? { CHROMIUM_PATH: process.env.CHROMIUM_PATH } : {}),
    ...(inCI ? { CI: 'true' } : {}),
    ...(example.env === 'keyless' ? { ...emulator.env, AZURE_AUTH_METHOD: 'azure_ad' } : {}),
    ...(example.env === 'keys' ? { ...emulator.env, ...emulator.keyEnv } : {}),
    ...overrides,
  };
  try {
    const { stdout, stderr } = await promisify(execFile)(process.execPath, command, {
      cwd,
      env,
      encoding: 'utf8',
      timeout: 240_000,
      maxBuffer: 16 * 1024 * 1024,
    });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const failure = error as { code?: number | string; stdout?: string; stderr?: string };
    return {
      code: typeof failure.code === 'number' ? failure.code : -1,
      stdout: failure.stdout ?? '',
      stderr: `${failure.stderr ?? ''}${typeof failure.code === 'number' ? '' : `\n(${String(failure.code)})`}`,
    };
  }
}

describe('markdown-examples', () => {
  test('reads a marked block, and reports an unmarked one and a bad marker', () => {
    const text = [
      '<!-- example: run; needs docker; env keys; prints ok -->',
      '```ts',
      "console.log('ok');",
      '```',
      '',
      '```ts',
      'const unmarked = 1;',
      '```',
      '<!-- example: sometimes -->',
      '```ts',
      'x;',
      '```',
      '```sh',
      'echo shell blocks are not examples',
      '```',
    ].join('\n');
    const { examples: found, problems: reported } = readExamples('x.md', text);
    expect(found).toMatchObject([
      {
        line: 2,
        mode: 'run',
        needs: ['docker'],
        env: 'keys',
        prints: ['ok'],
        code: "console.log('ok');\n",
      },
    ]);
    expect(reported.map((problem) => [problem.line, problem.problem.slice(0, 30)])).toEqual([
      [6, 'has no <!-- example: ... --> c'],
      [10, 'has the mode "sometimes"; use '],
    ]);
  });
});
