import type { JsonWebKey } from 'node:crypto';
import type {
  EmulatorApplicationCredentials,
  EmulatorAuthority,
  FederatedTokenFileOptions,
} from '../authority/authority.js';
import type { CliLogin } from '../cli/cli-login.js';
import type { CliStandIns } from '../cli/cli-stand-ins.js';
import type { CredentialShape } from '../credential-env.js';
import type { Emulator, EmulatorUrls } from '../emulator.js';
import type { EmulatorApiKeys } from '../emulator-options.js';
import type { Fault, InjectedFault, InjectFaultOptions } from '../fault.js';
import type { IssuedToken, IssueTokenOptions, TokenVerification } from '../issued-token.js';
import type { UserAssignedIdentity } from '../managed-identity/user-assigned-identity.js';
import type { ModelScript } from '../model-script.js';
import type { RequestLog } from '../request-log.js';
import type { EmulatorHandle } from './use-emulator-options.js';

/** Forwards every member of {@link Emulator} to the one that runs now. */
export class LiveEmulatorHandle implements EmulatorHandle {
  #current: Emulator | undefined;

  /** Sets (or, with `undefined`, clears) the emulator the handle reads. */
  attach(emulator: Emulator | undefined): void {
    this.#current = emulator;
  }

  get emulator(): Emulator {
    if (!this.#current) {
      throw new Error(
        'useEmulator(): no emulator is running. Read it inside a test or a hook registered after useEmulator(), not while the file is being collected.',
      );
    }
    return this.#current;
  }
  get url(): string {
    return this.emulator.urls.base;
  }
  get urls(): EmulatorUrls {
    return this.emulator.urls;
  }
  get env(): Readonly<Record<string, string>> {
    return this.emulator.env;
  }
  get keyEnv(): Readonly<Record<string, string>> {
    return this.emulator.keyEnv;
  }
  get apiKeys(): Readonly<EmulatorApiKeys> {
    return this.emulator.apiKeys;
  }
  get identityHeader(): string {
    return this.emulator.identityHeader;
  }
  get apiVersion(): string {
    return this.emulator.apiVersion;
  }
  get requests(): RequestLog {
    return this.emulator.requests;
  }
  get tokenRequestCount(): number {
    return this.emulator.tokenRequestCount;
  }
  get authority(): EmulatorAuthority {
    return this.emulator.authority;
  }
  get application(): EmulatorApplicationCredentials {
    return this.emulator.application;
  }
  writeFederatedTokenFile(options?: FederatedTokenFileOptions): string {
    return this.emulator.writeFederatedTokenFile(options);
  }
  get publicJwk(): JsonWebKey {
    return this.emulator.publicJwk;
  }
  setScript(script: ModelScript | undefined): void {
    this.emulator.setScript(script);
  }
  inject(fault: Fault, options?: InjectFaultOptions): InjectedFault {
    return this.emulator.inject(fault, options);
  }
  clearFaults(): void {
    this.emulator.clearFaults();
  }
  setTokenLifetime(seconds: number): void {
    this.emulator.setTokenLifetime(seconds);
  }
  revokeIssuedTokens(): number {
    return this.emulator.revokeIssuedTokens();
  }
  issueToken(options: IssueTokenOptions): IssuedToken {
    return this.emulator.issueToken(options);
  }
  verifyToken(token: string): TokenVerification {
    return this.emulator.verifyToken(token);
  }
  writeCliStandIns(folder?: string): CliStandIns {
    return this.emulator.writeCliStandIns(folder);
  }
  setCliLogin(login: CliLogin): void {
    this.emulator.setCliLogin(login);
  }
  get userAssignedIdentity(): UserAssignedIdentity | undefined {
    return this.emulator.userAssignedIdentity;
  }
  get userAssignedIdentities(): readonly UserAssignedIdentity[] {
    return this.emulator.userAssignedIdentities;
  }
  credentialEnv(shape: CredentialShape): Record<string, string> {
    return this.emulator.credentialEnv(shape);
  }
  close(): Promise<void> {
    return this.emulator.close();
  }
}
