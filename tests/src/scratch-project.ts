// A scratch project outside the workspace, as a user would have: the packages packed as they
// would be published (`pnpm pack`), installed with npm from the tarballs and the npm registry.
import { execFile, execFileSync } from 'node:child_process';
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

/** The repository's root directory. */
export const repoRoot = fileURLToPath(new URL('../..', import.meta.url));

/** A package of `packages/*`, packed. */
export interface PackedPackage {
  /** `@bots/auth`, ... */
  name: string;
  /** Its folder, relative to the repository root. */
  folder: string;
  /** The tarball's path. */
  tarball: string;
  /** The import specifiers of its entry points (`@bots/core`, `@bots/core/testing`). */
  entryPoints: string[];
  /** The paths inside the tarball, without the leading `package/`. */
  files: string[];
  /** The package's `dependencies`. */
  dependencies: Record<string, string>;
}

/** The published packages of the workspace (every non-private package under `packages/`). */
export function workspacePackages(): { name: string; folder: string; manifest: PackageManifest }[] {
  return readdirSync(join(repoRoot, 'packages'))
    .map((name) => join('packages', name))
    .map((folder) => ({
      folder,
      manifest: JSON.parse(
        readFileSync(join(repoRoot, folder, 'package.json'), 'utf8'),
      ) as PackageManifest,
    }))
    .filter(({ manifest }) => !manifest.private)
    .map(({ folder, manifest }) => ({ name: manifest.name, folder, manifest }));
}

/** The fields of a package.json these tests read. */
export interface PackageManifest {
  name: string;
  private?: boolean;
  exports?: Record<string, unknown>;
  dependencies?: Record<string, string>;
  devDependencies?: Record<string, string>;
  peerDependencies?: Record<string, string>;
}

/** Packs every published package into `destination` with `pnpm pack`. */
export function packPackages(destination: string): PackedPackage[] {
  mkdirSync(destination, { recursive: true });
  return workspacePackages().map(({ name, folder, manifest }) => {
    const before = new Set(readdirSync(destination));
    execFileSync('pnpm', ['pack', '--pack-destination', destination], {
      cwd: join(repoRoot, folder),
      stdio: ['ignore', 'ignore', 'inherit'],
    });
    const created = readdirSync(destination).find((file) => !before.has(file));
    if (!created) throw new Error(`pnpm pack made no tarball for ${name}.`);
    const tarball = join(destination, created);
    const files = execFileSync('tar', ['-tzf', tarball], { encoding: 'utf8' })
      .split('\n')
      .filter(Boolean)
      .map((path) => path.replace(/^package\//, ''));
    const entryPoints = Object.keys(manifest.exports ?? { '.': {} })
      .filter((subpath) => subpath !== './package.json')
      .map((subpath) => (subpath === '.' ? name : `${name}/${subpath.slice(2)}`));
    return {
      name,
      folder,
      tarball,
      entryPoints,
      files,
      dependencies: manifest.dependencies ?? {},
    };
  });
}

/**
 * The `overrides` of pnpm-workspace.yaml (the workspace pins the newest `@azure/*` core packages,
 * which declare Node >= 22, to their last Node 20 releases), for npm's `overrides`.
 */
export function workspaceOverrides(): Record<string, string> {
  const text = readFileSync(join(repoRoot, 'pnpm-workspace.yaml'), 'utf8');
  const block = /^overrides:\n((?: {2}.*\n?)*)/m.exec(text)?.[1] ?? '';
  const overrides: Record<string, string> = {};
  for (const line of block.split('\n')) {
    const match = /^\s+"?([^":]+)"?:\s*(\S+)\s*$/.exec(line);
    if (match?.[1] && match[2]) overrides[match[1]] = match[2];
  }
  return overrides;
}

/** The version the workspace uses of a package (the first package.json that names it). */
export function workspaceVersion(name: string): string {
  const manifests = [
    JSON.parse(readFileSync(join(repoRoot, 'package.json'), 'utf8')) as PackageManifest,
    ...workspacePackages().map(({ manifest }) => manifest),
  ];
  for (const manifest of manifests) {
    const version =
      manifest.dependencies?.[name] ??
      manifest.devDependencies?.[name] ??
      manifest.peerDependencies?.[name];
    if (version && !version.startsWith('workspace:')) return version;
  }
  throw new Error(`No package.json of the workspace names ${name}.`);
}

/** Writes the scratch project's package.json. */
export function writeProject(
  project: string,
  dependencies: Record<string, string>,
  devDependencies: Record<string, string>,
): void {
  mkdirSync(project, { recursive: true });
  writeFileSync(
    join(project, 'package.json'),
    `${JSON.stringify(
      {
        name: 'bots-consumer',
        private: true,
        type: 'module',
        dependencies,
        devDependencies,
        overrides: workspaceOverrides(),
      },
      null,
      2,
    )}\n`,
  );
}

/** `npm install` in the project (asynchronous: an emulator may be answering in this process). */
export async function npmInstall(project: string, args: readonly string[] = []): Promise<void> {
  await promisify(execFile)(
    'npm',
    ['install', '--no-audit', '--no-fund', '--prefer-offline', '--loglevel=error', ...args],
    { cwd: project, env: { ...process.env, npm_config_update_notifier: 'false' } },
  );
}

/** A `file:` dependency on a tarball, relative to the project. */
export function fileDependency(project: string, tarball: string): string {
  return `file:${relative(project, tarball)}`;
}

/** Runs strict tsc (no skipLibCheck) with a tsconfig of the project; resolves with its output. */
export async function typecheck(
  project: string,
  tsconfig: string,
): Promise<{ ok: boolean; output: string }> {
  try {
    const { stdout } = await promisify(execFile)(
      process.execPath,
      [
        join(project, 'node_modules', 'typescript', 'bin', 'tsc'),
        '-p',
        tsconfig,
        '--pretty',
        'false',
      ],
      { cwd: project, encoding: 'utf8', maxBuffer: 16 * 1024 * 1024 },
    );
    return { ok: true, output: stdout };
  } catch (error) {
    const { stdout = '', stderr = '' } = error as { stdout?: string; stderr?: string };
    return { ok: false, output: `${stdout}${stderr}` };
  }
}

/** The compiler options every consumer check uses: strict, and the library files checked too. */
export const STRICT_CONSUMER_OPTIONS = {
  strict: true,
  noUncheckedIndexedAccess: true,
  exactOptionalPropertyTypes: true,
  skipLibCheck: false,
  module: 'nodenext',
  moduleResolution: 'nodenext',
  target: 'es2022',
  types: ['node'],
} as const;
