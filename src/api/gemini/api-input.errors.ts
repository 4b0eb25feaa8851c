/**
 * A mistake in the client's request, answered as HTTP 400 with this message. The message names
 * the offending field and says what is wrong with it, e.g. `messages: must be a non-empty array`.
 */
export class ApiInputError extends Error {
  override readonly name = 'ApiInputError';

  /** The error for a schema's issues, naming up to 5 fields: `a.b: problem; c: problem`. */
  static fromIssues(issues: ReadonlyArray<{ path: PropertyKey[]; message: string }>) {
    const problems = issues.slice(0, 5).map((issue) => {
      const path = issue.path.map(String).join('.');
      return path ? `${path}: ${issue.message}` : issue.message;
    });
    return new ApiInputError(problems.join('; '));
  }
}
