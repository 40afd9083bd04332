import { BadUserInputError } from "../../shared/errors";

/**
 * An upload refused for what it is: BAD_USER_INPUT with the HTTP status that says why
 * (400 malformed, 413 too large, 415 not an image we take). The message is ours, never
 * libvips' or the parser's.
 */
export class MediaRejection extends BadUserInputError {
  constructor(
    message: string,
    readonly status: 400 | 413 | 415 = 400,
  ) {
    super(message);
  }
}
