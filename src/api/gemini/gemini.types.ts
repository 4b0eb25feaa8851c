/**
 * The parts of Google's Gemini `GenerateContent` API this gateway reads or writes. Fields it
 * does not touch are passed through, so every shape is open (`[key: string]: unknown`).
 */

/** Inline bytes, e.g. an image: base64 `data` of type `mimeType`. */
export interface GeminiBlob {
  mimeType: string;
  data: string;
}

/** A function the model asks the client to run; `args` is a JSON object. */
export interface GeminiFunctionCall {
  name: string;
  args?: Record<string, unknown>;
  /** Correlates the call with its `functionResponse`; not every model sends one. */
  id?: string;
}

/** The client's result for a {@link GeminiFunctionCall}; `response` is a JSON object. */
export interface GeminiFunctionResponse {
  name: string;
  response: Record<string, unknown>;
  id?: string;
}

/** One piece of a turn: text, a thought, inline data, a file reference or a function call/result. */
export interface GeminiPart {
  text?: string;
  /** True when `text` is the model's reasoning rather than its answer. */
  thought?: boolean;
  /** Opaque signature the model needs back with its own turn (Gemini 3 function calls). */
  thoughtSignature?: string;
  inlineData?: GeminiBlob;
  fileData?: { mimeType?: string; fileUri: string };
  functionCall?: GeminiFunctionCall;
  functionResponse?: GeminiFunctionResponse;
  [key: string]: unknown;
}

/** One turn of a conversation; `role` is `user` or `model` (absent in a system instruction). */
export interface GeminiContent {
  role?: 'user' | 'model' | string;
  parts: GeminiPart[];
}

/** `{thinkingBudget, includeThoughts}` (Gemini 2.5) or `thinkingLevel` (Gemini 3). */
export interface GeminiThinkingConfig {
  /** Tokens the model may spend thinking; 0 disables thinking where the model allows it. */
  thinkingBudget?: number;
  includeThoughts?: boolean;
  thinkingLevel?: string;
  [key: string]: unknown;
}

export interface GeminiGenerationConfig {
  temperature?: number;
  topP?: number;
  topK?: number;
  maxOutputTokens?: number;
  stopSequences?: string[];
  candidateCount?: number;
  seed?: number;
  presencePenalty?: number;
  frequencyPenalty?: number;
  responseMimeType?: string;
  responseSchema?: Record<string, unknown>;
  thinkingConfig?: GeminiThinkingConfig;
  [key: string]: unknown;
}

export interface GeminiFunctionDeclaration {
  name: string;
  description?: string;
  /** An OpenAPI-subset schema of the arguments object. */
  parameters?: Record<string, unknown>;
  [key: string]: unknown;
}

/** A tool: function declarations, or a built-in such as `{googleSearch: {}}`. */
export interface GeminiTool {
  functionDeclarations?: GeminiFunctionDeclaration[];
  googleSearch?: Record<string, unknown>;
  [key: string]: unknown;
}

export interface GeminiToolConfig {
  functionCallingConfig?: {
    mode?: 'AUTO' | 'ANY' | 'NONE' | string;
    allowedFunctionNames?: string[];
  };
  [key: string]: unknown;
}

/** `{category: 'HARM_CATEGORY_…', threshold: 'BLOCK_…'}`. */
export interface GeminiSafetySetting {
  category: string;
  threshold: string;
  [key: string]: unknown;
}

/** The body of `generateContent` / `streamGenerateContent` (what Code Assist calls `request`). */
export interface GeminiRequest {
  contents: GeminiContent[];
  systemInstruction?: GeminiContent;
  generationConfig?: GeminiGenerationConfig;
  tools?: GeminiTool[];
  toolConfig?: GeminiToolConfig;
  safetySettings?: GeminiSafetySetting[];
  [key: string]: unknown;
}

/** One answer; `finishReason` is absent until the candidate is complete. */
export interface GeminiCandidate {
  content?: GeminiContent;
  finishReason?: string;
  index?: number;
  [key: string]: unknown;
}

/** Token counts; `candidatesTokenCount` excludes `thoughtsTokenCount`. */
export interface GeminiUsage {
  promptTokenCount?: number;
  candidatesTokenCount?: number;
  totalTokenCount?: number;
  thoughtsTokenCount?: number;
  [key: string]: unknown;
}

/** A whole response, or one server-sent event of a streamed one. */
export interface GeminiResponse {
  candidates?: GeminiCandidate[];
  usageMetadata?: GeminiUsage;
  modelVersion?: string;
  responseId?: string;
  /** Set instead of candidates when the prompt itself was blocked (`blockReason`). */
  promptFeedback?: { blockReason?: string; [key: string]: unknown };
  [key: string]: unknown;
}
