import { Injectable, Logger } from '@nestjs/common';
import { Clock } from '../../common/clock';
import type {
  Namespace,
  CredentialStore,
  EphemeralStore,
} from '../../storage/storage-backend.interface';
import { InjectCredentialStore, InjectEphemeralStore } from '../../storage/storage.decorators';
import { GoogleAccountClient, GoogleCallError } from '../discovery/google-account.client';
import { AUTHORIZATION_URL, clientFor } from '../discovery/oauth-clients';
import { ProjectDiscovery, ProjectDiscoveryError } from '../discovery/project-discovery.service';
import { CallbackListener } from './callback-listener';
import { newState, pkcePair } from './pkce';
import { SigninError, type SigninStep } from './signin.errors';
import { storeSignedIn } from './signed-in-credential';

/** How long a sign-in may take from `start` to the callback (milliseconds), as in gcli2api. */
export const SIGNIN_TTL_MS = 600_000;

const flowKey = (state: string) => `signin:flow:${state}`;
const resultKey = (state: string) => `signin:result:${state}`;
/** Written by the one caller that takes a flow, before the flow is deleted. */
const takenKey = (state: string) => `signin:taken:${state}`;

/** A started sign-in, kept in storage so that any gateway instance can finish it. */
interface StoredFlow {
  verifier: string;
  redirectUri: string;
  ns: Namespace;
  projectId: string | null;
  /** Clock milliseconds. */
  createdAt: number;
}

/** What a finished sign-in stored. */
export interface SigninDone {
  filename: string;
  user_email: string;
  project_id: string;
  /** The project was found by discovery rather than given. */
  auto_detected_project: boolean;
  is_antigravity: boolean;
}

/** `GET /auth/status/{state}`: where a sign-in is. */
export type SigninStatus =
  | { status: 'pending' | 'running'; state: string; created_at: number }
  | ({ status: 'completed'; state: string; created_at: number } & SigninDone)
  | { status: 'failed'; state: string; created_at: number; step: SigninStep; message: string }
  | { status: 'not_found'; state: string; message: string };

/** A status as stored, without the state that is its key. */
type Recorded = SigninStatus extends infer S
  ? S extends unknown
    ? Omit<S, 'state'>
    : never
  : never;

/**
 * The Google sign-in that adds a credential. `start` keeps a random single-use `state` with its
 * PKCE verifier in storage for SIGNIN_TTL_MS and opens the callback listener; `finish` (called by
 * the listener, by paste mode, on any instance) takes the state once, exchanges the code, reads
 * the e-mail, finds the project and only then stores the credential. A failure stores nothing
 * and is kept, with its step, for `status`.
 */
@Injectable()
export class SigninFlows {
  private readonly logger = new Logger('Signin');
  /** The newest sign-in started by this process, for `POST /auth/callback` without a state. */
  private newest?: string;

  constructor(
    @InjectCredentialStore() private readonly credentials: CredentialStore,
    @InjectEphemeralStore() private readonly entries: EphemeralStore,
    private readonly google: GoogleAccountClient,
    private readonly discovery: ProjectDiscovery,
    private readonly listener: CallbackListener,
    private readonly clock: Clock,
  ) {}

  /** Starts a sign-in: the URL to open in a browser, and the state that names the flow. */
  async start(options: { projectId?: string; antigravity: boolean }) {
    const ns: Namespace = options.antigravity ? 'antigravity' : 'geminicli';
    const client = clientFor(ns);
    const state = newState();
    const { verifier, challenge } = pkcePair();
    const port = await this.listener.open(state, SIGNIN_TTL_MS, (s, outcome) =>
      this.fromListener(s, outcome),
    );
    const redirectUri = `http://localhost:${port}`;
    const flow: StoredFlow = {
      verifier,
      redirectUri,
      ns,
      projectId: options.projectId ?? null,
      createdAt: this.clock.now(),
    };
    try {
      await this.entries.setEntry(flowKey(state), JSON.stringify(flow), SIGNIN_TTL_MS);
    } catch (err) {
      this.listener.release(state);
      throw err;
    }
    const url = new URL(AUTHORIZATION_URL);
    url.search = new URLSearchParams({
      client_id: client.clientId,
      redirect_uri: redirectUri,
      response_type: 'code',
      scope: client.scopes.join(' '),
      access_type: 'offline',
      prompt: 'consent',
      include_granted_scopes: 'true',
      state,
      code_challenge: challenge,
      code_challenge_method: 'S256',
    }).toString();
    this.newest = state;
    this.logger.log(`Sign-in started (${ns}); callback on port ${port}`);
    return {
      auth_url: url.toString(),
      state,
      expires_in: SIGNIN_TTL_MS / 1000,
      redirect_uri: redirectUri,
      callback_port: port,
      auto_project_detection: !options.projectId,
      detected_project_id: options.projectId ?? null,
      is_antigravity: options.antigravity,
    };
  }

  /**
   * Finishes a sign-in with the code Google gave for `state`; `projectId` overrides the one
   * given at start. Throws SigninError (nothing stored) when a step fails.
   */
  async finish(state: string, code: string, options: { projectId?: string } = {}) {
    const flow = await this.take(state);
    const createdAt = Math.floor(flow.createdAt / 1000);
    await this.entries.setEntry(
      resultKey(state),
      JSON.stringify({ status: 'running', created_at: createdAt }),
      SIGNIN_TTL_MS,
    );
    try {
      const done = await this.complete(flow, code, options.projectId ?? flow.projectId);
      await this.record(state, { status: 'completed', created_at: createdAt, ...done });
      this.logger.log(`Sign-in completed: stored ${done.filename} for ${done.user_email}`);
      return done;
    } catch (err) {
      const failure =
        err instanceof SigninError
          ? err
          : new SigninError(
              'store',
              500,
              `storing the credential failed: ${(err as Error).message}`,
            );
      await this.record(state, {
        status: 'failed',
        created_at: createdAt,
        step: failure.step,
        message: failure.message,
      }).catch(() => undefined);
      this.logger.warn(`Sign-in failed at ${failure.step}: ${failure.message}`);
      throw failure;
    }
  }

  /** The state of the newest sign-in this process started, if any. */
  newestStarted(): string | undefined {
    return this.newest;
  }

  /** Where the sign-in named `state` is. */
  async status(state: string): Promise<SigninStatus> {
    const result = await this.entries.getEntry(resultKey(state));
    if (result) return { state, ...(JSON.parse(result) as object) } as SigninStatus;
    const raw = await this.entries.getEntry(flowKey(state));
    const flow = raw ? (JSON.parse(raw) as StoredFlow) : null;
    if (!flow) {
      // Taken by a caller that has not written its result yet: being finished.
      const taken = await this.entries.getEntry(takenKey(state));
      const createdAt = Number(taken);
      if (taken !== null && createdAt > 0) {
        return { status: 'running', state, created_at: Math.floor(createdAt / 1000) };
      }
    }
    if (!flow || this.expired(flow)) {
      const message = 'no sign-in with this state: it expired, or was never started';
      return { status: 'not_found', state, message };
    }
    return { status: 'pending', state, created_at: Math.floor(flow.createdAt / 1000) };
  }

  /**
   * Takes the flow out of storage: only one caller, on any instance, ever gets it. The taker
   * marks it taken (atomically, the mark decides) before deleting it, so a second caller finds
   * the mark even while the first is still finishing and has written no result yet.
   */
  private async take(state: string): Promise<StoredFlow> {
    const finished = () =>
      new SigninError('state', 409, 'this sign-in was already finished; start a new one');
    const raw = await this.entries.getEntry(flowKey(state));
    if (raw === null) {
      const [taken, result] = await Promise.all([
        this.entries.getEntry(takenKey(state)),
        this.entries.getEntry(resultKey(state)),
      ]);
      if (taken !== null || result !== null) throw finished();
      throw new SigninError('state', 400, 'unknown or expired sign-in state; start a new sign-in');
    }
    const flow = JSON.parse(raw) as StoredFlow;
    if (this.expired(flow)) {
      await this.entries.deleteEntry(flowKey(state), raw);
      throw new SigninError('state', 400, 'this sign-in expired; start a new sign-in');
    }
    const mark = String(flow.createdAt);
    if (!(await this.entries.setEntryIfAbsent(takenKey(state), mark, SIGNIN_TTL_MS))) {
      throw finished();
    }
    await this.entries.deleteEntry(flowKey(state), raw);
    this.listener.release(state);
    return flow;
  }

  private async complete(flow: StoredFlow, code: string, given: string | null) {
    const { ns } = flow;
    const client = clientFor(ns);
    const grant = await step('exchange', () =>
      this.google.exchangeCode(client, {
        code,
        verifier: flow.verifier,
        redirectUri: flow.redirectUri,
      }),
    );
    const email = await step('email', () => this.google.email(grant.accessToken));
    const project = await step('project', () =>
      this.discovery.discover(ns, grant.accessToken, given ?? undefined),
    );
    const filename = await storeSignedIn(this.credentials, {
      ns,
      client,
      grant,
      email,
      projectId: project.projectId,
      nowMs: this.clock.now(),
    });
    return {
      filename,
      user_email: email,
      project_id: project.projectId,
      auto_detected_project: project.via !== 'given',
      is_antigravity: ns === 'antigravity',
    };
  }

  private async fromListener(state: string, outcome: { code?: string; error?: string }) {
    if (outcome.code) return this.finish(state, outcome.code);
    await this.take(state);
    const message = `Google refused the sign-in (${outcome.error ?? 'no code'}); start again`;
    const now = Math.floor(this.clock.now() / 1000);
    await this.record(state, {
      status: 'failed',
      created_at: now,
      step: 'authorization',
      message,
    });
    throw new SigninError('authorization', 400, message);
  }

  private record(state: string, result: Recorded) {
    return this.entries.setEntry(resultKey(state), JSON.stringify(result), SIGNIN_TTL_MS);
  }

  private expired(flow: StoredFlow): boolean {
    return this.clock.now() - flow.createdAt > SIGNIN_TTL_MS;
  }
}

/** Runs one step; a Google failure becomes a SigninError naming it. */
async function step<T>(name: SigninStep, run: () => Promise<T>): Promise<T> {
  try {
    return await run();
  } catch (err) {
    if (err instanceof ProjectDiscoveryError) throw new SigninError(name, 400, err.message);
    if (!(err instanceof GoogleCallError)) throw err;
    const refused = name === 'exchange' && err.status !== undefined && err.status < 500;
    const message = refused
      ? `${err.message}: Google refused the authorization code; start a new sign-in`
      : err.message;
    throw new SigninError(name, refused ? 400 : 502, message);
  }
}
