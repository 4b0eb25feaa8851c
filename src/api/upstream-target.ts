import { Injectable } from '@nestjs/common';
import { namespaceOfPath } from '../credentials/namespace';
import type { Namespace } from '../storage/storage-backend.interface';
import { AntigravityClient } from '../upstream/antigravity.client';
import { CodeAssistClient } from '../upstream/code-assist.client';
import type { ModelUpstream } from '../upstream/model-upstream.interface';
import { toAntigravityCall } from './antigravity/antigravity-request';
import type { GeminiRequest } from './gemini/gemini.types';

/** Where a model call goes: a credential namespace and the upstream its credentials work with. */
export interface UpstreamTarget {
  /** The namespace credentials are picked from (and results recorded in). */
  ns: Namespace;
  /** How errors name the upstream: `Gemini CLI` or `antigravity`. */
  label: string;
  client: ModelUpstream;
  /**
   * The upstream model and request for a requested base model (prefixes and suffixes of the
   * advertised id already applied): the model also names the cooldown the call counts toward.
   */
  prepare(model: string, request: GeminiRequest): { model: string; request: GeminiRequest };
}

/** The two upstreams the model routes serve from. */
@Injectable()
export class UpstreamTargets {
  /** Gemini CLI credentials on Code Assist; requests go as they are. */
  readonly geminiCli: UpstreamTarget;
  /** Antigravity credentials on the antigravity upstream, with its model names and settings. */
  readonly antigravity: UpstreamTarget;

  constructor(codeAssist: CodeAssistClient, antigravity: AntigravityClient) {
    this.geminiCli = {
      ns: 'geminicli',
      label: 'Gemini CLI',
      client: codeAssist,
      prepare: (model, request) => ({ model, request }),
    };
    this.antigravity = {
      ns: 'antigravity',
      label: 'antigravity',
      client: antigravity,
      prepare: toAntigravityCall,
    };
  }

  /** The target of a model route: antigravity under `/antigravity/...`, else Gemini CLI. */
  forPath(path: string): UpstreamTarget {
    return namespaceOfPath(path) === 'antigravity' ? this.antigravity : this.geminiCli;
  }
}
