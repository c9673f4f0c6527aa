import { AuthenticationError, ConfigurationError, canInvalidate, checkObject } from '@bots/auth';
import type { CopilotProviderConfig } from './copilot-provider-config.js';
import { type KeylessSource, keylessSourceOf } from './keyless-source.js';
import { takeRefreshFailure } from './token-origins.js';

/** A session event as the SDK emits it (the fields this module reads). */
export interface CopilotSessionEventLike {
  type: string;
  data?: unknown;
}

/** The part of the SDK's `CopilotSession` a keyless session drives. */
export interface CopilotSessionLike {
  readonly sessionId: string;
  on(...args: never[]): () => void;
  sendAndWait(...args: never[]): Promise<unknown>;
  disconnect(): Promise<void>;
}

/** The part of the SDK's `CopilotClient` a keyless session drives. */
export interface CopilotClientLike<Session extends CopilotSessionLike = CopilotSessionLike> {
  createSession(...args: never[]): Promise<Session>;
  resumeSession(...args: never[]): Promise<Session>;
}

type SessionOf<Client> = Client extends CopilotClientLike<infer Session> ? Session : never;
type CreateConfigOf<Client> = Client extends { createSession(config: infer Config): unknown }
  ? Config
  : never;
type ResumeConfigOf<Client> = Client extends {
  resumeSession(sessionId: string, config: infer Config): unknown;
}
  ? Config
  : never;
type HandlerOf<Session> = Session extends { on(handler: infer Handler): unknown }
  ? Handler extends (...args: never[]) => unknown
    ? Handler
    : never
  : never;
type MessageOf<Session> = Session extends {
  sendAndWait(options: infer Options, timeout?: number): unknown;
}
  ? Options
  : never;
type ReplyOf<Session> = Session extends { sendAndWait(...args: never[]): Promise<infer Reply> }
  ? Reply
  : never;

/** Counters of what a keyless session did about rejected tokens. */
export interface KeylessSessionStats {
  /** Model requests the endpoint refused with 401 (`model.call_failure` events). */
  unauthorized: number;
  /** Times the token cache was told its token was rejected. */
  invalidations: number;
  /** Times the session was resumed with a fresh static token. */
  resumes: number;
}

/**
 * A Copilot session whose BYOK bearer token stays good: made by {@link createKeylessSession} or
 * {@link resumeKeylessSession}. `session` is the SDK's session (another object after a resume);
 * subscribe through `on`, which follows resumes.
 */
export interface KeylessSession<Session extends CopilotSessionLike> {
  /** The SDK session in use now. */
  readonly session: Session;
  /** The session's id (the same across resumes). */
  readonly sessionId: string;
  /** What was done about rejected tokens so far. */
  readonly stats: KeylessSessionStats;
  /** Subscribes to the session's events, now and after every resume. Returns the unsubscriber. */
  on(handler: HandlerOf<Session>): () => void;
  /**
   * `session.sendAndWait`. With a static token (`tokenDelivery: 'static'`), the session is first
   * resumed with the cache's token when the cache has a newer one, and a turn that fails with a
   * 401 is resumed with a fresh token and sent again, once. A 401 that survives a fresh token is
   * an `AuthenticationError`.
   */
  sendAndWait(options: MessageOf<Session>, timeout?: number): Promise<ReplyOf<Session>>;
  /** `session.disconnect()`, and stops watching its events. */
  disconnect(): Promise<void>;
}

/**
 * Creates a Copilot session with a provider config made by `copilotProvider`, and keeps its token
 * good: every 401 the session meets (`model.call_failure` with `statusCode: 401`) invalidates
 * the `@bots/auth` cache, so that the runtime's retry, which asks `bearerTokenProvider` again,
 * carries a fresh token. With `tokenDelivery: 'static'`, `sendAndWait` resumes the session with a
 * fresh `bearerToken` (invalidate, fetch, `resumeSession`) when a turn fails with 401, once.
 *
 * A provider config made otherwise (or a key) gives a session that is only passed through.
 *
 * @example
 * const provider = await copilotProvider('azure-openai/gpt-4.1');
 * const keyless = await createKeylessSession(client, { model: 'gpt-4.1', provider, onPermissionRequest: approveAll });
 * const reply = await keyless.sendAndWait({ prompt: 'Hello' });
 */
export async function createKeylessSession<Client extends CopilotClientLike>(
  client: Client,
  config: CreateConfigOf<Client>,
): Promise<KeylessSession<SessionOf<Client>>> {
  const checked = checkConfig(config, 'createKeylessSession config');
  const create = client.createSession as (config: unknown) => Promise<CopilotSessionLike>;
  const session = (await create.call(client, config)) as SessionOf<Client>;
  return new KeylessSessionImpl(
    client as CopilotClientLike,
    session,
    checked,
  ) as unknown as KeylessSession<SessionOf<Client>>;
}

/** {@link createKeylessSession} for an existing session: `client.resumeSession(sessionId, config)`. */
export async function resumeKeylessSession<Client extends CopilotClientLike>(
  client: Client,
  sessionId: string,
  config: ResumeConfigOf<Client>,
): Promise<KeylessSession<SessionOf<Client>>> {
  const checked = checkConfig(config, 'resumeKeylessSession config');
  const resume = client.resumeSession as (
    id: string,
    config: unknown,
  ) => Promise<CopilotSessionLike>;
  const session = (await resume.call(client, sessionId, config)) as SessionOf<Client>;
  return new KeylessSessionImpl(
    client as CopilotClientLike,
    session,
    checked,
  ) as unknown as KeylessSession<SessionOf<Client>>;
}

interface CheckedConfig {
  config: Record<string, unknown>;
  provider: CopilotProviderConfig | undefined;
  source: KeylessSource | undefined;
}

function checkConfig(config: unknown, name: string): CheckedConfig {
  const record = checkObject(config, name, 'Pass the SDK session config, with provider.');
  const provider = record.provider as CopilotProviderConfig | undefined;
  if (provider !== undefined) checkObject(provider, `${name}.provider`);
  const source = keylessSourceOf(provider);
  if (
    provider !== undefined &&
    source === undefined &&
    (provider.bearerToken !== undefined || provider.bearerTokenProvider !== undefined)
  ) {
    throw new ConfigurationError(
      `${name}.provider has a bearer token but was not made by copilotProvider (or is a copy of one), so a rejected token cannot be replaced. Pass the object copilotProvider(model, { env, tokenProvider }) returned, unchanged.`,
    );
  }
  return { config: record, provider, source };
}

class KeylessSessionImpl<Session extends CopilotSessionLike> {
  readonly stats: KeylessSessionStats = { unauthorized: 0, invalidations: 0, resumes: 0 };
  #session: Session;
  #provider: CopilotProviderConfig | undefined;
  readonly #client: CopilotClientLike<Session>;
  readonly #config: Record<string, unknown>;
  readonly #source: KeylessSource | undefined;
  readonly #handlers = new Set<(event: never) => void>();
  #unsubscribers: Array<() => void> = [];
  /** The 401 that failed the turn in flight, if one did (`session.error`). */
  #turnUnauthorized = false;

  constructor(client: CopilotClientLike<Session>, session: Session, checked: CheckedConfig) {
    this.#client = client;
    this.#session = session;
    this.#config = checked.config;
    this.#provider = checked.provider;
    this.#source = checked.source;
    this.#attach(session);
  }

  get session(): Session {
    return this.#session;
  }

  get sessionId(): string {
    return this.#session.sessionId;
  }

  on(handler: (event: never) => void): () => void {
    this.#handlers.add(handler);
    return () => {
      this.#handlers.delete(handler);
    };
  }

  async sendAndWait(options: unknown, timeout?: number): Promise<unknown> {
    if (this.#source?.delivery === 'static') await this.#resumeIfTokenChanged();
    this.#turnUnauthorized = false;
    const unauthorizedBefore = this.stats.unauthorized;
    try {
      const reply = await this.#send(options, timeout);
      // The SDK may end a failed turn as idle with no reply instead of rejecting (the session's
      // error and idle events race): with a static token and 401s in this turn, that is a
      // rejected token too.
      const rejectedQuietly =
        reply === undefined &&
        this.#source?.delivery === 'static' &&
        this.stats.unauthorized > unauthorizedBefore;
      if (!rejectedQuietly) return reply;
      this.#turnUnauthorized = true;
    } catch (error) {
      if (!this.#turnUnauthorized || this.#source === undefined) throw error;
      if (this.#source.delivery === 'callback') throw this.#rejected(error, 'callback');
    }
    if (this.#source === undefined) return undefined;
    // A static token was rejected: resume with a fresh one and send the turn again, once.
    this.#invalidate();
    await this.#resume(await this.#source.refresh());
    this.#turnUnauthorized = false;
    try {
      return await this.#send(options, timeout);
    } catch (error) {
      if (this.#turnUnauthorized) throw this.#rejected(error, 'static');
      throw error;
    }
  }

  #send(options: unknown, timeout: number | undefined): Promise<unknown> {
    const send = this.#session.sendAndWait as (
      options: unknown,
      timeout?: number,
    ) => Promise<unknown>;
    return send.call(this.#session, options, timeout);
  }

  async disconnect(): Promise<void> {
    this.#detach();
    this.#handlers.clear();
    await this.#session.disconnect();
  }

  #attach(session: Session): void {
    const listener = (event: CopilotSessionEventLike) => {
      this.#watch(event);
      for (const handler of this.#handlers) (handler as (event: unknown) => void)(event);
    };
    const unsubscribe = (session.on as (handler: typeof listener) => () => void)(listener);
    this.#unsubscribers.push(unsubscribe);
  }

  #detach(): void {
    for (const unsubscribe of this.#unsubscribers) unsubscribe();
    this.#unsubscribers = [];
  }

  #watch(event: CopilotSessionEventLike): void {
    if (this.#source === undefined) return;
    const status = (event.data as { statusCode?: unknown } | undefined)?.statusCode;
    if (event.type === 'model.call_failure' && status === 401) {
      this.stats.unauthorized += 1;
      // The runtime retries and asks bearerTokenProvider again: let that fetch anew.
      if (this.#source.delivery === 'callback') this.#invalidate();
    } else if (event.type === 'session.error' && status === 401) {
      this.#turnUnauthorized = true;
    }
  }

  /** The credential's own reason when it could not replace the token, else the general one. */
  #rejected(error: unknown, delivery: 'callback' | 'static'): Error {
    const tokenProvider = this.#source?.tokenProvider;
    const reason = tokenProvider === undefined ? undefined : takeRefreshFailure(tokenProvider);
    return reason instanceof Error ? reason : rejectedAfterFresh(error, delivery);
  }

  #invalidate(): void {
    const tokenProvider = this.#source?.tokenProvider;
    if (tokenProvider && canInvalidate(tokenProvider)) {
      tokenProvider.invalidate();
      this.stats.invalidations += 1;
    }
  }

  async #resumeIfTokenChanged(): Promise<void> {
    if (this.#source === undefined) return;
    const fresh = await this.#source.refresh();
    if (fresh.bearerToken !== this.#provider?.bearerToken) await this.#resume(fresh);
  }

  async #resume(provider: CopilotProviderConfig): Promise<void> {
    const { sessionId: _id, cloud: _cloud, ...base } = this.#config;
    const resume = this.#client.resumeSession as (id: string, config: unknown) => Promise<Session>;
    const resumed = await resume.call(this.#client, this.sessionId, { ...base, provider });
    this.#detach();
    this.#session = resumed;
    this.#provider = provider;
    this.stats.resumes += 1;
    this.#attach(resumed);
  }
}

function rejectedAfterFresh(error: unknown, delivery: 'callback' | 'static'): AuthenticationError {
  const how =
    delivery === 'callback'
      ? 'again after the token cache was invalidated (the Copilot runtime asked for a token before each retry)'
      : 'again after the session was resumed once with a freshly fetched token';
  return new AuthenticationError(
    `The model endpoint refused the Copilot session's bearer token (HTTP 401) ${how}. Either the credential handed out the same token again (a managed identity keeps a token revoked by Continuous Access Evaluation until 5 minutes before it expires: restart the process, or use keylessRequestHandler to see the claims challenge), or the token is not accepted: check that the scope fits the endpoint (https://ai.azure.com/.default for the v1 API, https://cognitiveservices.azure.com/.default for the dated API; AZURE_AUTH_SCOPE overrides it) and that the identity has a role on the resource (Cognitive Services OpenAI User).`,
    { cause: error },
  );
}
