import { randomBytes } from 'node:crypto';
import { Injectable, Logger } from '@nestjs/common';
import type { Namespace } from '../../storage/storage-backend.interface';
import { GoogleAccountClient, GoogleCallError } from './google-account.client';

/** `onboardUser` is asked again this many times at most while it answers `done: false`. */
export const ONBOARD_MAX_POLLS = 5;
/** Pause between two `onboardUser` polls (milliseconds). */
export const ONBOARD_POLL_MS = 2_000;

/** The two APIs a Gemini CLI project needs, enabled by the Resource Manager fallback. */
export const REQUIRED_APIS = [
  'geminicloudassist.googleapis.com',
  'cloudaicompanion.googleapis.com',
];

/** The client metadata Code Assist is told (gcli2api sends antigravity's for both families). */
export const CODE_ASSIST_METADATA = {
  ideType: 'ANTIGRAVITY',
  platform: 'PLATFORM_UNSPECIFIED',
  pluginType: 'GEMINI',
};

/** How the project was found. */
export type DiscoveryRoute =
  'given' | 'load_code_assist' | 'onboard_user' | 'resource_manager' | 'random';

export interface DiscoveredProject {
  projectId: string;
  via: DiscoveryRoute;
}

/** No project could be found; the message says what was tried and what to do. */
export class ProjectDiscoveryError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ProjectDiscoveryError';
  }
}

type Json = Record<string, unknown>;

/**
 * Finds the Google Cloud project a credential works in, as the Gemini CLI does: Code Assist's
 * `loadCodeAssist` (a current tier names it), else `onboardUser` on the default tier, polled a
 * bounded number of times; when Code Assist cannot say, the Resource Manager project list (one
 * ACTIVE project, or the one named like "default", or the first) with the two required APIs
 * enabled through Service Usage. Antigravity falls back to a random project, as it accepts one.
 */
@Injectable()
export class ProjectDiscovery {
  private readonly logger = new Logger('Credentials');

  constructor(private readonly google: GoogleAccountClient) {}

  /**
   * @param given a project the user named: used as it is, without asking Google
   * @throws ProjectDiscoveryError when every route failed
   */
  async discover(ns: Namespace, accessToken: string, given?: string): Promise<DiscoveredProject> {
    if (given) return { projectId: given, via: 'given' };
    let codeAssistFailure: string;
    try {
      const found = await this.fromCodeAssist(ns, accessToken);
      if (found) return found;
      codeAssistFailure = 'Code Assist named no project';
    } catch (err) {
      if (!(err instanceof GoogleCallError)) throw err;
      codeAssistFailure = err.message;
    }
    this.logger.log(`Project discovery: ${codeAssistFailure}; trying the fallback`);
    if (ns === 'antigravity') {
      return {
        projectId: `projects/random-${randomBytes(4).toString('hex')}/locations/global`,
        via: 'random',
      };
    }
    try {
      const project = await this.fromResourceManager(accessToken);
      if (project) return { projectId: project, via: 'resource_manager' };
      throw new ProjectDiscoveryError(
        `no project found: ${codeAssistFailure}, and the account has no active Google Cloud ` +
          'project; create one (or give project_id) and try again',
      );
    } catch (err) {
      if (!(err instanceof GoogleCallError)) throw err;
      throw new ProjectDiscoveryError(
        `no project found: ${codeAssistFailure}; ${err.message}; give project_id and try again`,
      );
    }
  }

  private async fromCodeAssist(ns: Namespace, token: string): Promise<DiscoveredProject | null> {
    const loaded = await this.google.codeAssist(ns, 'loadCodeAssist', token, {
      metadata: CODE_ASSIST_METADATA,
    });
    const current = projectOf(loaded.cloudaicompanionProject);
    if (loaded.currentTier && current) return { projectId: current, via: 'load_code_assist' };
    const tiers = Array.isArray(loaded.allowedTiers) ? (loaded.allowedTiers as Json[]) : [];
    const tierId = tiers.find((tier) => tier.isDefault)?.id ?? 'LEGACY';
    for (let poll = 0; poll <= ONBOARD_MAX_POLLS; poll++) {
      if (poll > 0) await new Promise((resolve) => setTimeout(resolve, ONBOARD_POLL_MS));
      const answer = await this.google.codeAssist(ns, 'onboardUser', token, {
        tierId,
        metadata: CODE_ASSIST_METADATA,
      });
      if (answer.done) {
        const response = (answer.response ?? {}) as Json;
        const project = projectOf(response.cloudaicompanionProject);
        return project ? { projectId: project, via: 'onboard_user' } : null;
      }
    }
    return null;
  }

  private async fromResourceManager(token: string): Promise<string | null> {
    const active = (await this.google.projects(token)).filter(
      (p) => p.lifecycleState === 'ACTIVE' && typeof p.projectId === 'string',
    );
    if (active.length === 0) return null;
    const named = (p: Json) => `${String(p.name ?? '')} ${String(p.projectId)}`.toLowerCase();
    const chosen =
      active.length === 1
        ? active[0]
        : (active.find((p) => named(p).includes('default')) ?? active[0]);
    const project = String(chosen.projectId);
    for (const service of REQUIRED_APIS) {
      if (!(await this.google.serviceEnabled(token, project, service))) {
        await this.google.enableService(token, project, service);
      }
    }
    return project;
  }
}

/** A project named as a string or as `{id}`. */
function projectOf(value: unknown): string | null {
  if (typeof value === 'string' && value) return value;
  const id = (value as Json | null | undefined)?.id;
  return typeof id === 'string' && id ? id : null;
}
