import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import ts from 'typescript';

/** The subpaths of a package's `exports` map (`.`, `./testing`, ...), `./package.json` left out, sorted. */
export function exportedSubpaths(packageDirectory: string): string[] {
  const manifest = JSON.parse(readFileSync(join(packageDirectory, 'package.json'), 'utf8')) as {
    exports?: Record<string, unknown>;
  };
  return Object.keys(manifest.exports ?? {})
    .filter((subpath) => subpath !== './package.json')
    .sort();
}

/**
 * The source file of an entry point: `./loop` of a package whose exports map points at
 * `./dist/loop/index.js` is `<package>/src/loop/index.ts` (tsup builds `dist` from `src` with the
 * same layout); an entry that points at a `.ts` file of `src` is that file.
 */
export function entrySource(packageDirectory: string, subpath: string): string {
  const manifest = JSON.parse(readFileSync(join(packageDirectory, 'package.json'), 'utf8')) as {
    exports?: Record<string, unknown>;
  };
  let target: unknown = manifest.exports?.[subpath];
  while (target && typeof target === 'object') {
    const conditions = target as Record<string, unknown>;
    target = conditions.import ?? conditions.default ?? Object.values(conditions)[0];
  }
  if (typeof target !== 'string') {
    throw new Error(`${subpath} is not in the exports map of ${packageDirectory}/package.json.`);
  }
  return join(
    packageDirectory,
    target.replace(/^\.\/dist\//, './src/').replace(/\.(c|m)?js$/, '.ts'),
  );
}

const programs = new Map<string, ts.Program>();

/** Every non-test `.ts` file under `folder`. */
function sourceFiles(folder: string): string[] {
  return readdirSync(folder, { recursive: true, encoding: 'utf8' })
    .filter((file) => file.endsWith('.ts') && !file.endsWith('.test.ts'))
    .map((file) => join(folder, file));
}

/**
 * The names a module's source exports that exist only as types (interfaces, type aliases,
 * `export type { ... }`), sorted: what the TypeScript checker sees exported from `entryFile`,
 * `export *` chains followed, minus the names the module has at runtime. The checker reads only
 * the package's own `src` (no dependencies, no lib), so this takes about a second, and it needs
 * no build.
 */
export function typeOnlyExports(entryFile: string, runtimeModule: object): string[] {
  const source = join(entryFile.slice(0, entryFile.lastIndexOf('/src/')), 'src');
  let program = programs.get(source);
  if (!program) {
    program = ts.createProgram(sourceFiles(source), {
      module: ts.ModuleKind.NodeNext,
      moduleResolution: ts.ModuleResolutionKind.NodeNext,
      target: ts.ScriptTarget.ES2022,
      noEmit: true,
      noLib: true,
      noResolve: true,
      types: [],
    });
    programs.set(source, program);
  }
  const checker = program.getTypeChecker();
  const file = program.getSourceFile(entryFile);
  const module = file && checker.getSymbolAtLocation(file);
  if (!module) throw new Error(`${entryFile} is not a module of ${source}.`);
  const runtime = new Set(Object.keys(runtimeModule));
  return checker
    .getExportsOfModule(module)
    .map((symbol) => symbol.name)
    .filter((name) => !runtime.has(name))
    .sort();
}
