import type { GeminiPart, GeminiRequest, GeminiResponse } from './gemini.types';

/** The end marker the model is asked to write; matched case-insensitively and never shown. */
export const DONE_MARKER = '[done]';

/** Added to the system instruction of a `流式抗截断/` request. */
export const MARKER_INSTRUCTION =
  `When your answer is completely finished, end it with the marker ${DONE_MARKER}. ` +
  `Write ${DONE_MARKER} only at the very end of the whole answer, never elsewhere.`;

/** The user turn that asks for the rest of a cut answer. */
export const CONTINUE_PROMPT =
  'Your previous answer was cut off. Continue exactly where it stopped, without repeating ' +
  `anything already written, and end with ${DONE_MARKER} when the answer is complete.`;

/** Opens one upstream stream for a request. */
export type OpenStream = (request: GeminiRequest) => Promise<AsyncIterable<unknown>>;

/** Options of {@link openAntiTruncated}. */
export interface AntiTruncationOptions {
  /** Most continuation requests after the first (`anti_truncation_max_attempts`). */
  maxContinuations: number;
  /**
   * Whether an error thrown by a stream midway cut it (a dropped connection) and so counts as
   * a stream that ended without the marker; other errors end the answer. Default: none does.
   */
  isCut?: (err: unknown) => boolean;
}

/**
 * Streaming anti-truncation (`流式抗截断/` models). The request goes out with
 * {@link MARKER_INSTRUCTION} added to its system instruction (the user's turns are never
 * changed). When a stream ends without the marker and without a function call, the request is
 * sent again with the answer so far as one model turn and {@link CONTINUE_PROMPT} after it — up
 * to `maxContinuations` times, always built from the original request, so continuation turns
 * never pile up. The caller sees one stream: the marker is stripped, and the finish reason and
 * usage of a stream that is continued are held back, so only the last stream's reach the client.
 * The first stream is opened before this resolves, so its errors reach the caller as they would
 * without anti-truncation.
 */
export async function openAntiTruncated(
  request: GeminiRequest,
  options: AntiTruncationOptions,
  open: OpenStream,
): Promise<AsyncGenerator<GeminiResponse>> {
  const first = await open(withMarkerInstruction(request));
  return continued(request, first, options, open);
}

async function* continued(
  request: GeminiRequest,
  first: AsyncIterable<unknown>,
  { maxContinuations, isCut = () => false }: AntiTruncationOptions,
  open: OpenStream,
): AsyncGenerator<GeminiResponse> {
  const marker = new MarkerFilter();
  let events = first;
  for (let continuation = 0; ; continuation++) {
    let last: GeminiResponse | undefined;
    let calledFunction = false;
    let cut: unknown;
    try {
      for await (const raw of events) {
        if (last) yield last;
        const event = marker.filter(raw as GeminiResponse);
        calledFunction ||= partsOf(event).some((part) => part.functionCall);
        last = event;
      }
    } catch (err) {
      if (!isCut(err) || continuation >= maxContinuations) throw err;
      cut = err;
    }
    const tail = marker.flush();
    // Nothing written yet (thoughts used up the tokens, or a block): there is no answer to go
    // on from, and Gemini refuses a model turn without text.
    const nothing = marker.answer === '';
    if (nothing && cut) throw cut;
    const finished =
      nothing || (!cut && (marker.found || calledFunction || continuation >= maxContinuations));
    if (finished) {
      if (last || tail) yield withText(last ?? {}, tail);
      return;
    }
    if (last || tail) yield withoutEnding(withText(last ?? {}, tail));
    events = await open(continuationOf(request, marker.answer));
  }
}

function withMarkerInstruction(request: GeminiRequest): GeminiRequest {
  const parts = [...(request.systemInstruction?.parts ?? []), { text: MARKER_INSTRUCTION }];
  return { ...request, systemInstruction: { ...request.systemInstruction, parts } };
}

/** The original request, the whole answer so far as the model's turn, then the ask to go on. */
function continuationOf(request: GeminiRequest, answer: string): GeminiRequest {
  const contents = [
    ...request.contents,
    { role: 'model', parts: [{ text: answer }] },
    { role: 'user', parts: [{ text: CONTINUE_PROMPT }] },
  ];
  return withMarkerInstruction({ ...request, contents });
}

function partsOf(event: GeminiResponse): GeminiPart[] {
  return event.candidates?.[0]?.content?.parts ?? [];
}

/** `event` with `text` appended as a last answer part (when there is any). */
function withText(event: GeminiResponse, text: string): GeminiResponse {
  if (!text) return event;
  const candidate = event.candidates?.[0] ?? { index: 0 };
  const parts = [...(candidate.content?.parts ?? []), { text }];
  const content = { role: 'model', ...candidate.content, parts };
  return {
    ...event,
    candidates: [{ ...candidate, content }, ...(event.candidates ?? []).slice(1)],
  };
}

/** `event` without the finish reason and usage of a stream that goes on. */
function withoutEnding(event: GeminiResponse): GeminiResponse {
  const rest: GeminiResponse = { ...event };
  delete rest.usageMetadata;
  if (event.candidates) {
    rest.candidates = event.candidates.map((candidate) => {
      const unfinished = { ...candidate };
      delete unfinished.finishReason;
      return unfinished;
    });
  }
  return rest;
}

/**
 * Removes the marker from answer text split anywhere across events: text that might be the
 * start of the marker is held back until the next text shows whether it is.
 */
class MarkerFilter {
  /** The visible answer text so far, over every stream. */
  answer = '';
  found = false;
  private pending = '';

  filter(event: GeminiResponse): GeminiResponse {
    const candidate = event.candidates?.[0];
    if (!candidate?.content?.parts) return event;
    const parts = candidate.content.parts.flatMap((part) => {
      if (part.thought || typeof part.text !== 'string') return [part];
      const text = this.feed(part.text);
      return text || part.thoughtSignature ? [{ ...part, text }] : [];
    });
    const content = { ...candidate.content, parts };
    return { ...event, candidates: [{ ...candidate, content }, ...event.candidates!.slice(1)] };
  }

  /** Text held back at the end of a stream: it was not the marker after all. */
  flush(): string {
    const text = this.pending;
    this.pending = '';
    this.answer += text;
    return text;
  }

  private feed(text: string): string {
    if (this.found) return '';
    const combined = this.pending + text;
    const at = combined.toLowerCase().indexOf(DONE_MARKER);
    let visible: string;
    if (at >= 0) {
      this.found = true;
      this.pending = '';
      visible = combined.slice(0, at);
    } else {
      const keep = heldBack(combined);
      this.pending = combined.slice(combined.length - keep);
      visible = combined.slice(0, combined.length - keep);
    }
    this.answer += visible;
    return visible;
  }
}

/** How many trailing characters of `text` could begin the marker. */
function heldBack(text: string): number {
  const lower = text.toLowerCase();
  for (let k = Math.min(DONE_MARKER.length - 1, lower.length); k > 0; k--) {
    if (lower.endsWith(DONE_MARKER.slice(0, k))) return k;
  }
  return 0;
}
