/**
 * The AWS clients the commands use, one per service and Region. Credentials
 * and the default Region come from the SDK's own chain, with the --profile the
 * user gave; AWS_ENDPOINT_URL and friends are honoured by the SDK itself.
 * Commands take an AwsClients, so tests can hand them clients of their own.
 */
import { CloudFormationClient } from '@aws-sdk/client-cloudformation';
import { CloudWatchClient } from '@aws-sdk/client-cloudwatch';
import { RDSClient } from '@aws-sdk/client-rds';
import { SSMClient } from '@aws-sdk/client-ssm';
import { Readable } from 'stream';

export interface AwsClients {
  /** Region undefined: the SDK chain's Region (AWS_REGION, the profile's region). */
  cloudFormation(region?: string): CloudFormationClient;
  cloudWatch(region: string): CloudWatchClient;
  rds(region: string): RDSClient;
  ssm(region?: string): SSMClient;
}

type ClientConfig = { region?: string; profile?: string };

/** How much of an unreadable response an error message shows. */
export const RESPONSE_BODY_SHOWN_BYTES = 200;

/**
 * Keeps the raw response body readable after the SDK's deserializer has
 * failed on it. The deserializer attaches the response to its error as
 * `$response`, but by then a JSON service's body stream has been read and is
 * gone. This runs just inside the deserializer: it reads the body into a
 * Buffer (the SDK accepts one wherever it accepts a stream), so the error's
 * `$response.body` still holds the bytes an endpoint, a proxy or a captive
 * portal sent.
 */
type Handler = (args: unknown) => Promise<{ response: unknown; output: unknown }>;
const keepResponseBody = (next: Handler): Handler => async (args) => {
  const result = await next(args);
  const response = result.response as { body?: unknown };
  const body = response?.body;
  if (body instanceof Readable) {
    const chunks: Buffer[] = [];
    for await (const chunk of body) chunks.push(Buffer.from(chunk as Uint8Array));
    response.body = Buffer.concat(chunks);
  }
  return result;
};

function withReadableErrors<T extends { middlewareStack: { add: (m: never, o: object) => void } }>(client: T): T {
  client.middlewareStack.add(keepResponseBody as never, { step: 'deserialize', priority: 'low', name: 'keepResponseBody' });
  return client;
}

export function sdkClients(profile?: string): AwsClients {
  const cache = new Map<string, unknown>();
  const cached = <T>(kind: string, region: string | undefined, make: (config: ClientConfig) => T): T => {
    const key = `${kind}:${region ?? ''}`;
    if (!cache.has(key)) {
      const config: ClientConfig = {};
      if (region) config.region = region;
      if (profile) config.profile = profile;
      cache.set(key, make(config));
    }
    return cache.get(key) as T;
  };
  return {
    cloudFormation: (region) => cached('cloudformation', region, (c) => withReadableErrors(new CloudFormationClient(c))),
    cloudWatch: (region) => cached('cloudwatch', region, (c) => withReadableErrors(new CloudWatchClient(c))),
    rds: (region) => cached('rds', region, (c) => withReadableErrors(new RDSClient(c))),
    ssm: (region) => cached('ssm', region, (c) => withReadableErrors(new SSMClient(c))),
  };
}
