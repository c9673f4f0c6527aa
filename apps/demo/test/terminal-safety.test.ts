import { execFileSync, spawn } from 'node:child_process';
import type { ModelRequest } from '@bots/emulator';
import { useEmulator } from '@bots/emulator/testing';
import { AVAILABLE, bubblewrapAvailability, testWhen, unavailable } from '@bots/test-kit';
import { beforeAll, describe, expect } from 'vitest';
import { BIN, cleanEnv, runCli, SAMPLE } from './helpers.js';

/**
 * An attacker who controls the model's replies (and so the commands and their output) tries to
 * act on the user's terminal: write the clipboard (OSC 52), retitle the window (OSC 0), clear the
 * screen and move the cursor (CSI), colour the rest of the session, overwrite a line (CR),
 * reorder it (a bidi override), and the one-character C1 CSI. None of it may reach the
 * terminal raw: it is shown visibly instead.
 */
const ESC = '\u001b';
const CLIPBOARD = `${ESC}]52;c;cm0gLXJmIH4=\u0007`;
const TITLE = `${ESC}]0;pwned-title\u0007`;
const CLEAR = `${ESC}[2J${ESC}[H`;
const RED = `${ESC}[31m`;
const C1_CSI = '\u009b1A';
const RLO = '\u202e';
const THOUGHTS = `Look ${CLIPBOARD} here ${TITLE}${CLEAR}${RED}red\rOVERWRITTEN ${C1_CSI} ${RLO}desrever`;
/** The command carries escapes itself, and prints more (its output is shown in the progress). */
const COMMAND = `printf '\\033]52;c;b3duZWQ=\\007\\033]0;out-title\\007\\033[5A\\n'; echo "${RED}" done`;
const ANSWER = `The port is 7341 ${CLIPBOARD}${TITLE}${RED}${C1_CSI}${RLO}`;

/** What must never be written to a terminal: the attacker's sequences and controls. */
const ACTIVE = [
  [`${ESC}]`, 'an OSC sequence'],
  ['\u0007', 'BEL'],
  [`${ESC}[2J`, 'a screen clear'],
  [`${ESC}[5A`, 'a cursor move'],
  [`${ESC}[31m`, "the attacker's colour"],
  ['\u009b', 'a C1 control'],
  [RLO, 'a bidi override'],
] as const;

function expectNothingActive(text: string, where: string): void {
  for (const [sequence, what] of ACTIVE) {
    expect(text.includes(sequence), `${what} reached ${where}`).toBe(false);
  }
}

const emulator = useEmulator();
beforeAll(() => {
  emulator.setScript((request: ModelRequest) => {
    const turns = request.messages.filter((message) => message.role === 'assistant').length;
    return JSON.stringify(
      turns === 0
        ? { task_done: false, thoughts: THOUGHTS, command: COMMAND }
        : { task_done: true, thoughts: ANSWER, command: '' },
    );
  });
});

const ARGS = [
  'read',
  SAMPLE,
  'Which port?',
  '--model',
  'azure-openai/gpt-4o-mini',
  '--sandbox',
  'local',
];
const env = (extra: Record<string, string | undefined> = {}) =>
  cleanEnv({ ...emulator.env, AZURE_AUTH_METHOD: 'azure_ad', ...extra });

function available(program: string): boolean {
  try {
    execFileSync('sh', ['-c', 'command -v "$0"', program], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}
const bubblewrap = bubblewrapAvailability();
const pty = available('script')
  ? AVAILABLE
  : unavailable('no `script` (util-linux) to make a pty (apt-get install util-linux)');

/** Runs the CLI in a pseudo-terminal (util-linux `script`), as a user at a terminal does. */
async function runInTerminal(args: readonly string[], childEnv: NodeJS.ProcessEnv) {
  const quote = (text: string) => `'${text.replace(/'/g, "'\\''")}'`;
  const line = [process.execPath, BIN, ...args].map(quote).join(' ');
  return new Promise<{ code: number | null; output: string }>((resolve, reject) => {
    const child = spawn('script', ['-qfec', line, '/dev/null'], {
      env: childEnv,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
      output += chunk;
    });
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
      output += chunk;
    });
    const timer = setTimeout(() => child.kill('SIGKILL'), 50_000);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, output });
    });
  });
}

describe('text from the model and the sandbox cannot act on the terminal', () => {
  testWhen(bubblewrap)(
    'piped, with NO_COLOR and without: stderr shows every escape visibly; stdout keeps the answer as the model wrote it',
    async () => {
      for (const noColor of ['1', undefined]) {
        const run = await runCli(ARGS, { env: env({ NO_COLOR: noColor }) });
        expect(run.code, run.stderr).toBe(0);
        expectNothingActive(run.stderr, `stderr (NO_COLOR=${noColor})`);
        expect(run.stderr).not.toContain(ESC);
        expect(run.stderr).not.toMatch(/\r(?!\n)/);
        // shown, not acted on: the thoughts, the command, its output
        expect(run.stderr).toContain(
          'Look ␛]52;c;cm0gLXJmIH4=␇ here ␛]0;pwned-title␇␛[2J␛[H␛[31mred␍OVERWRITTEN \\u009b1A \\u202edesrever',
        );
        expect(run.stderr).toContain("$ printf '\\033]52;c;b3duZWQ=");
        expect(run.stderr).toContain('│ ␛]52;c;b3duZWQ=␇␛]0;out-title␇␛[5A');
        // a file or a pipe gets the user's data as it is
        expect(run.stdout).toBe(`${ANSWER}\n`);
      }
    },
  );

  testWhen(bubblewrap)(
    '--json escapes every control character, C1 and bidi ones too, and parses back to the same answer',
    async () => {
      const run = await runCli([...ARGS, '--json'], { env: env() });
      expect(run.code, run.stderr).toBe(0);
      expectNothingActive(run.stdout, 'the JSON');
      expect(run.stdout).not.toContain(ESC);
      expect(run.stdout).toContain('\\u001b]52;c;');
      expect(run.stdout).toContain('\\u009b1A');
      expect(run.stdout).toContain('\\u202e');
      const result = JSON.parse(run.stdout) as { result: string; steps: { thoughts: string }[] };
      expect(result.result).toBe(ANSWER);
      expect(result.steps[0]?.thoughts).toBe(THOUGHTS);
    },
  );

  testWhen([bubblewrap, pty])(
    `in a terminal (a pty), with colours and with NO_COLOR: only the CLI's own colours reach it`,
    async () => {
      const plain = await runInTerminal(ARGS, env({ NO_COLOR: '1', TERM: 'xterm' }));
      expect(plain.code, plain.output).toBe(0);
      expectNothingActive(plain.output, 'the terminal (NO_COLOR=1)');
      expect(plain.output).not.toContain(ESC);
      // the answer, on a terminal, is shown visibly too
      expect(plain.output).toContain(
        'The port is 7341 ␛]52;c;cm0gLXJmIH4=␇␛]0;pwned-title␇␛[31m\\u009b1A\\u202e',
      );

      const colored = await runInTerminal(ARGS, env({ NO_COLOR: undefined, TERM: 'xterm' }));
      expect(colored.code, colored.output).toBe(0);
      expectNothingActive(colored.output, 'the terminal');
      const sequences = colored.output.match(/\u001b[^\s]{0,8}/g) ?? [];
      expect(sequences.length, 'the CLI colours its progress on a terminal').toBeGreaterThan(0);
      for (const sequence of sequences) {
        expect(sequence, "every escape sequence is one of the CLI's own colours").toMatch(
          /^\u001b\[(1|2|22|32|33|39)m/,
        );
      }
      expect(colored.output).toContain('The port is 7341 ␛]52;c;');
    },
  );
});
