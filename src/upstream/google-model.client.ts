import type { CodeAssistCall, GenerateResult, StreamResult } from './code-assist.client';
import type { googlePost } from './google-post';
import type { ModelUpstream } from './model-upstream.interface';
import { generateResult, streamResult } from './upstream-answer';

/**
 * The two calls every Google model upstream has (`v1internal:generateContent` and
 * `v1internal:streamGenerateContent?alt=sse`, answered in the same `{response}` format); a
 * subclass says where and in which envelope a call is posted.
 */
export abstract class GoogleModelClient implements ModelUpstream {
  async generate(call: CodeAssistCall): Promise<GenerateResult> {
    return generateResult(await this.post('v1internal:generateContent', call), call.context);
  }

  /** Opens a stream; its events are the unwrapped chunks, relayed as they arrive. */
  async stream(call: CodeAssistCall): Promise<StreamResult> {
    return streamResult(
      await this.post('v1internal:streamGenerateContent?alt=sse', call),
      call.context,
    );
  }

  /** POSTs one call to `path` (relative to the upstream's base URL). */
  protected abstract post(path: string, call: CodeAssistCall): ReturnType<typeof googlePost>;
}
