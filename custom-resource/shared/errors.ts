/**
 * The two ways a preflight request fails on purpose. Their messages go to
 * CloudFormation as the Reason unchanged, so they name the bad value and the fix.
 * Any other error is a defect and is reported as unexpected.
 */

/** One or more parameters failed a check; the message lists every problem found. */
export class CheckFailed extends Error {
  name = 'CheckFailed';
}

/** The checks did not finish before the reply had to go; the message names what was still waiting. */
export class DeadlineExceeded extends Error {
  name = 'DeadlineExceeded';
}
