/**
 * A mistake in the client's request, answered as HTTP 400 with this message. The message names
 * the offending field and says what is wrong with it, e.g. `messages: must be a non-empty array`.
 */
export class ApiInputError extends Error {
  override readonly name = 'ApiInputError';
}
