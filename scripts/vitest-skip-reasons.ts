// A vitest reporter, added beside the default one in every package's vitest.config.ts: when tests
// were skipped, it prints once, at the end of the run, why (grouped by reason), instead of only a
// count. The reason is the test's note (`context.skip(note)`), else the one in its name or a
// parent suite's name (`... — skipped: <reason>` as describeWhen writes it, `(skipped: <reason>)`,
// or `(needs ...)`).
// scripts/summarize-tests.mjs collects these lines from every package for the CI summary.
import type { Reporter, TestCase, TestModule, Vitest } from 'vitest/node';

/** The first line of the block, which scripts/summarize-tests.mjs looks for. */
export const SKIP_HEADER = 'Skipped tests, and why:';

/** Why a skipped test was skipped, from its note or its (or a parent's) name. */
export function skipReason(testCase: TestCase): string | undefined {
  const result = testCase.result();
  const note = result.state === 'skipped' ? result.note?.trim() : undefined;
  if (note) return note;
  const names: string[] = [testCase.name];
  for (let parent = testCase.parent; parent.type === 'suite'; parent = parent.parent) {
    names.push(parent.name);
  }
  for (const name of names) {
    const stated =
      /\(skipped:\s*([^)]+)\)/.exec(name)?.[1] ?? /—\s*skipped:\s*(.+)$/.exec(name)?.[1];
    if (stated) return stated.trim();
  }
  for (const name of names) {
    const needs = /\((needs [^)]+)\)/.exec(name)?.[1];
    if (needs) return needs;
  }
  return undefined;
}

/** Prints the reasons of skipped tests once per run. */
export class SkipReasonsReporter implements Reporter {
  #filtered = false;

  onInit(vitest: Vitest): void {
    // Tests left out by a name filter (-t) are "skipped" too: no reason to print for those.
    this.#filtered = Boolean(vitest.config.testNamePattern);
  }

  onTestRunEnd(testModules: ReadonlyArray<TestModule>): void {
    const byReason = new Map<string, string[]>();
    for (const testModule of testModules) {
      for (const testCase of testModule.children.allTests('skipped')) {
        if (testCase.options.mode === 'todo') continue;
        const reason = skipReason(testCase);
        if (reason === undefined && this.#filtered) continue;
        const key = reason ?? 'no reason given (name it in the test, or use context.skip(reason))';
        const tests = byReason.get(key) ?? [];
        tests.push(
          `${testModule.relativeModuleId}: ${testCase.fullName.replace(/\s*—\s*skipped:[^>]*?(\s*>|$)/g, '$1')}`,
        );
        byReason.set(key, tests);
      }
    }
    if (byReason.size === 0) return;
    const lines = [SKIP_HEADER];
    for (const [reason, tests] of byReason) {
      lines.push(`  ${tests.length} skipped: ${reason}`);
      lines.push(`    e.g. ${tests[0]}`);
    }
    process.stdout.write(`\n${lines.join('\n')}\n`);
  }
}
