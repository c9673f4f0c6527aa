import { checkInteger } from '@bots/auth';

/**
 * A number of model calls that one or more runs may make. A run takes one iteration before each
 * model call (a reply that breaks the format counts too). `AgentBoss` passes its budget to its
 * sub-bots, so that the whole tree of bots stays within the boss's `maxIterations`.
 */
export class IterationBudget {
  /** The number of iterations this budget allows. */
  readonly limit: number;
  #used = 0;

  constructor(limit: number) {
    this.limit = checkInteger(limit, 'maxIterations', {
      min: 1,
      hint: 'It is the most model calls of the run, e.g. { maxIterations: 20 }.',
    });
  }

  /** Iterations taken so far. */
  get used(): number {
    return this.#used;
  }

  /** Iterations left. */
  get remaining(): number {
    return this.limit - this.#used;
  }

  /** Takes one iteration; false (and nothing taken) when the budget is used up. */
  take(): boolean {
    if (this.#used >= this.limit) return false;
    this.#used++;
    return true;
  }
}
