/**
 * A check that did not hold. `code` is stable (the panel shows a translated sentence for it,
 * `web-verify:reason.<code>`); `message` is the English detail for logs and tests.
 */
export class VerifyFailure extends Error {
  override name = 'VerifyFailure';
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}
