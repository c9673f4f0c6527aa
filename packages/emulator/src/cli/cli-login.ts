/** Which tools answer as signed in (both, by default). */
export interface CliLogin {
  /** Whether `az` is signed in; `false` makes it answer `Please run 'az login'…`. */
  az?: boolean;
  /** Whether `azd` is signed in; `false` makes it answer `not logged in, run azd auth login…`. */
  azd?: boolean;
}

/** The sign-in state of both tools (internal). */
export interface CliLoginState {
  az: boolean;
  azd: boolean;
}

/** Applies a partial {@link CliLogin} to the state, checking its values. */
export function applyCliLogin(state: CliLoginState, login: CliLogin): void {
  for (const tool of ['az', 'azd'] as const) {
    const value = login[tool];
    if (value === undefined) continue;
    if (typeof value !== 'boolean') {
      throw new TypeError(`setCliLogin({ ${tool} }) takes true or false, got ${typeof value}.`);
    }
    state[tool] = value;
  }
}
