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

export interface AwsClients {
  /** Region undefined: the SDK chain's Region (AWS_REGION, the profile's region). */
  cloudFormation(region?: string): CloudFormationClient;
  cloudWatch(region: string): CloudWatchClient;
  rds(region: string): RDSClient;
  ssm(region?: string): SSMClient;
}

type ClientConfig = { region?: string; profile?: string };

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
    cloudFormation: (region) => cached('cloudformation', region, (c) => new CloudFormationClient(c)),
    cloudWatch: (region) => cached('cloudwatch', region, (c) => new CloudWatchClient(c)),
    rds: (region) => cached('rds', region, (c) => new RDSClient(c)),
    ssm: (region) => cached('ssm', region, (c) => new SSMClient(c)),
  };
}
