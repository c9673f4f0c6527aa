// Finds the code examples of the repository's Markdown files and reads how each is meant to be
// checked from the HTML comment on the line before its fence:
//
//   <!-- example: run; needs sandbox; env keyless -->
//   <!-- example: compile; needs a real Azure OpenAI deployment and the internet -->
//   <!-- example: vitest -->
//   <!-- example: fragment; continues the example above -->
//
// The first word is the mode: `run` (compiled with tsc, then run with Node), `vitest` (compiled,
// then run with `vitest run`), `compile` (compiled only; the rest says why it is not run) or
// `fragment` (neither; the rest says why). Options of `run`, separated by `;`:
//   needs docker | bwrap | chromium | sandbox (Docker or bubblewrap) | browser (Docker or Chromium)
//   env keyless | keys | none   what the test puts in the environment (default keyless)
//   prints <text>              its standard output must contain the text
//   no failure run; <reason>   it cannot be made to fail from outside (see consumer.test.ts)
// A TypeScript or JavaScript block without such a comment is an error: every block is checked,
// or says why not.
import { readFileSync } from 'node:fs';

/** Languages whose blocks are examples. */
export const EXAMPLE_LANGUAGES = ['ts', 'typescript', 'js', 'javascript', 'mjs'] as const;

/** How an example is checked. */
export type ExampleMode = 'run' | 'vitest' | 'compile' | 'fragment';

/** A machine feature an example needs. */
export type ExampleNeed = 'docker' | 'bwrap' | 'chromium' | 'sandbox' | 'browser';

/** What the test puts in the environment of a run. */
export type ExampleEnv = 'keyless' | 'keys' | 'none';

/** One code example of a Markdown file. */
export interface MarkdownExample {
  /** The file, relative to the repository root. */
  file: string;
  /** 1-based line of the opening fence. */
  line: number;
  /** The fence's language. */
  language: string;
  /** The code, without the fences and without their indentation. */
  code: string;
  mode: ExampleMode;
  /** For `compile` and `fragment`: why it is not run. */
  reason: string;
  needs: ExampleNeed[];
  env: ExampleEnv;
  /** Texts its standard output must contain. */
  prints: string[];
  /** Why no failure run is made, when none is. */
  noFailureRun: string | undefined;
}

/** A block that could not be read: no marker, or a marker that does not parse. */
export interface MarkdownProblem {
  file: string;
  line: number;
  problem: string;
}

const MARKER = /^\s*<!--\s*example:\s*(.*?)\s*-->\s*$/;
const FENCE = /^(\s*)(`{3,}|~{3,})\s*([^\s`]*)(.*)$/;
const NEEDS: readonly string[] = ['docker', 'bwrap', 'chromium', 'sandbox', 'browser'];
const ENVS: readonly string[] = ['keyless', 'keys', 'none'];

/** The examples of one Markdown file, and the problems found in it. */
export function readExamples(
  file: string,
  text: string,
): { examples: MarkdownExample[]; problems: MarkdownProblem[] } {
  const examples: MarkdownExample[] = [];
  const problems: MarkdownProblem[] = [];
  const lines = text.split('\n');
  for (let index = 0; index < lines.length; index++) {
    const open = FENCE.exec(lines[index] ?? '');
    if (!open) continue;
    const [, indent = '', fence = '', language = ''] = open;
    const body: string[] = [];
    let close = index + 1;
    for (; close < lines.length; close++) {
      const line = lines[close] ?? '';
      const trimmed = line.trimStart();
      if (trimmed.startsWith(fence) && trimmed.slice(fence.length).trim() === '') break;
      body.push(line.startsWith(indent) ? line.slice(indent.length) : line.trimStart());
    }
    const lineNumber = index + 1;
    index = close;
    if (!(EXAMPLE_LANGUAGES as readonly string[]).includes(language.toLowerCase())) continue;
    const marker = previousNonBlank(lines, lineNumber - 1);
    const match = marker === undefined ? null : MARKER.exec(marker);
    if (!match) {
      problems.push({
        file,
        line: lineNumber,
        problem:
          'has no <!-- example: ... --> comment on the line before it; say how it is checked (run, vitest, compile or fragment; see tests/src/markdown-examples.ts).',
      });
      continue;
    }
    const parsed = parseMarker(match[1] ?? '');
    if (typeof parsed === 'string') {
      problems.push({ file, line: lineNumber, problem: parsed });
      continue;
    }
    examples.push({ file, line: lineNumber, language, code: `${body.join('\n')}\n`, ...parsed });
  }
  return { examples, problems };
}

/** Reads the examples of several files (paths relative to `root`). */
export function readExamplesOf(
  root: string,
  files: readonly string[],
): { examples: MarkdownExample[]; problems: MarkdownProblem[] } {
  const examples: MarkdownExample[] = [];
  const problems: MarkdownProblem[] = [];
  for (const file of files) {
    const found = readExamples(file, readFileSync(`${root}/${file}`, 'utf8'));
    examples.push(...found.examples);
    problems.push(...found.problems);
  }
  return { examples, problems };
}

function previousNonBlank(lines: readonly string[], index: number): string | undefined {
  for (let at = index - 1; at >= 0; at--) {
    const line = lines[at] ?? '';
    if (line.trim() !== '') return line;
  }
  return undefined;
}

type MarkerFields = Omit<MarkdownExample, 'file' | 'line' | 'language' | 'code'>;

function parseMarker(text: string): MarkerFields | string {
  const [head = '', ...rest] = text.split(';').map((part) => part.trim());
  const mode = head as ExampleMode;
  const fields: MarkerFields = {
    mode,
    reason: '',
    needs: [],
    env: 'keyless',
    prints: [],
    noFailureRun: undefined,
  };
  if (mode === 'compile' || mode === 'fragment') {
    fields.reason = rest.join('; ');
    return fields.reason
      ? fields
      : `says "${mode}" but not why it is not run; write the reason after a semicolon.`;
  }
  if (mode !== 'run' && mode !== 'vitest') {
    return `has the mode ${JSON.stringify(head)}; use run, vitest, compile or fragment.`;
  }
  for (let at = 0; at < rest.length; at++) {
    const option = rest[at] ?? '';
    const [word = '', ...words] = option.split(/\s+/);
    const value = words.join(' ');
    if (word === 'needs' && NEEDS.includes(value)) fields.needs.push(value as ExampleNeed);
    else if (word === 'env' && ENVS.includes(value)) fields.env = value as ExampleEnv;
    else if (word === 'prints' && value) fields.prints.push(value);
    else if (option === 'no failure run' && rest[at + 1]) {
      fields.noFailureRun = rest.slice(at + 1).join('; ');
      break;
    } else {
      return `has the option ${JSON.stringify(option)}; use needs ${NEEDS.join('|')}, env ${ENVS.join('|')}, prints <text>, or "no failure run; <reason>".`;
    }
  }
  return fields;
}
