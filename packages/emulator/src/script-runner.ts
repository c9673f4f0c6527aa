import type { Fault } from './fault.js';
import type { ModelReply, ModelRequest, ModelScript, ScriptStep } from './model-script.js';

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
    this.#script = script;
  }

  /** Replaces the script and starts it from its first step. */
  set(script: ModelScript | undefined): void {
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
  if (typeof step === 'string') return { type: 'reply', reply: { text: step } };
  if (step !== null && typeof step === 'object') {
    if ('fault' in step && step.fault !== undefined) return { type: 'fault', fault: step.fault };
    if ('text' in step && typeof step.text === 'string') return { type: 'reply', reply: step };
  }
  return {
    type: 'failed',
    message:
      'A model script step must be a string, { text, usage? } or { fault }; got ' +
      `${JSON.stringify(step)}.`,
  };
}
