/**
 * A drill's validation function: a Lambda function of the user's, in this
 * account and Region, named by the stack's DrillValidationFunction parameter,
 * that logs in to the restored cluster and does what the application would
 * (a query, a row count, a schema check). Once the drill's cluster and writer
 * are available, the Verify step invokes it, synchronously, with
 * ValidationRequest; it answers {"Succeeded": true|false, "Message": "..."}.
 *
 * Its answer joins the drill's verdict: false, an error it throws, an answer
 * of another shape or none within VALIDATION_TIMEOUT_MS fails the drill, and
 * the run's alert, naming the function and what it said. It is asked once:
 * a second invocation after a lost answer could run its checks twice.
 */
import { Lambda } from '@aws-sdk/client-lambda';

/** What the function receives: where and how to log in, and what was restored. */
export interface ValidationRequest {
  ClusterIdentifier: string;
  Endpoint: string;
  Port: number;
  /** The master user secret in this Region (empty when Secrets Manager does not manage the password). */
  SecretArn: string;
  SnapshotIdentifier: string;
  Engine: string;
}

/** Within the Verify step's 300 s, with time left to delete the drill and publish its metrics. */
export const VALIDATION_TIMEOUT_MS = 180_000;

/** The function's verdict: a problem when it did not say the cluster serves, its message either way. */
export async function validate(functionName: string, request: ValidationRequest): Promise<{ problem?: string; message: string }> {
  const said = (message: string) => ({ problem: `validation function ${functionName} ${message}`, message });
  let text = '';
  try {
    const { FunctionError, Payload } = await new Lambda({
      region: process.env.AWS_REGION,
      maxAttempts: 1,
      requestHandler: { connectionTimeout: 3000, requestTimeout: VALIDATION_TIMEOUT_MS, throwOnRequestTimeout: true },
    }).invoke({ FunctionName: functionName, Payload: JSON.stringify(request) });
    text = Buffer.from(Payload ?? []).toString();
    // An error the function threw comes as {"errorType": ..., "errorMessage": ...}.
    if (FunctionError) return said(`failed (${FunctionError}): ${text.slice(0, 300)}`);
    const answer = JSON.parse(text);
    if (typeof answer.Succeeded === 'boolean') {
      return answer.Succeeded ? { message: `${answer.Message}` } : said(`says the cluster fails: ${answer.Message}`);
    }
  } catch (error) {
    if (!text) return said(`could not be invoked: ${(error as Error).name}: ${(error as Error).message}`);
  }
  return said(`answered ${text.slice(0, 200)}, not {"Succeeded": true|false, "Message": "..."}`);
}
