import type { Fault } from './fault.js';
import type { ModelReply, ModelRequest, ModelScript, ScriptStep } from './model-script.js';
import { replyProblem } from './resolved-reply.js';

/** What the script decided for one request. */
export type ScriptOutcome =
  | { type: 'reply'; reply: ModelReply }
  | { type: 'fault'; fault: Fault }
  | { type: 'exhausted'; consumed: number }
  | { type: 'failed'; message: string };

/** The reply given when no script is set: it says so, so that a forgotten script is obvious. */
export const DEFAULT_REPLY_TEXT = 'This is a reply from @bots/emulator (no model script is set).';

/** Plays a {@link ModelScript}: steps in order for a list, or calls the function. */
export class ScriptRunner {
  #script: ModelScript | undefined;
  #position = 0;

  constructor(script?: ModelScript) {
    checkScript(script);
    this.#script = script;
  }

  /** Replaces the script and starts it from its first step; a bad list step throws a `TypeError`. */
  set(script: ModelScript | undefined): void {
    checkScript(script);
    this.#script = script;
    this.#position = 0;
  }

  /** How many steps of a list script have been consumed. */
  get position(): number {
    return this.#position;
  }

  async next(request: ModelRequest): Promise<ScriptOutcome> {
    const script = this.#script;
    if (script === undefined) return { type: 'reply', reply: { text: DEFAULT_REPLY_TEXT } };
    if (typeof script === 'function') {
      try {
        return toOutcome(await script(request));
      } catch (error) {
        const message = error instanceof Error ? error.message : String(error);
        return { type: 'failed', message: `The model script function threw: ${message}` };
      }
    }
    if (this.#position >= script.length) return { type: 'exhausted', consumed: this.#position };
    const step = script[this.#position]!;
    this.#position += 1;
    return toOutcome(step);
  }
}

function toOutcome(step: ScriptStep): ScriptOutcome {
  const problem = scriptStepProblem(step);
  if (problem !== undefined) return { type: 'failed', message: problem };
  if (typeof step === 'string') return { type: 'reply', reply: { text: step } };
  return 'fault' in step ? { type: 'fault', fault: step.fault } : { type: 'reply', reply: step };
}

/** What is wrong with a script step, as a sentence, or `undefined` when nothing is. */
export function scriptStepProblem(step: unknown): string | undefined {
  if (typeof step === 'string') return undefined;
  if (step !== null && typeof step === 'object' && !Array.isArray(step)) {
    const record = step as Record<string, unknown>;
    if (typeof record['fault'] === 'object' && record['fault'] !== null) return undefined;
    if ('text' in record || 'toolCalls' in record) return replyProblem(record);
  }
  return (
    'A model script step must be a string, { text?, toolCalls?, usage?, finishReason? } or ' +
    `{ fault }; got ${JSON.stringify(step)}.`
  );
}

/** Throws a `TypeError` naming the first bad step of a list script; functions are checked per reply. */
export function checkScript(script: ModelScript | undefined): void {
  if (script === undefined || typeof script === 'function') return;
  if (!Array.isArray(script)) {
    throw new TypeError(
      `script must be a list of steps or a function of the request; got ${JSON.stringify(script)}.`,
    );
  }
  script.forEach((step, index) => {
    const problem = scriptStepProblem(step);
    if (problem !== undefined) throw new TypeError(`script[${index}]: ${problem}`);
  });
}
