/**
 * The two things every command needs from the user's AWS setup before it can
 * call AWS: a profile that exists, and a Region. Both are read the way the
 * AWS SDK reads them (its own loaders from @smithy/core/config), so the CLI
 * refuses exactly what the SDK would fail on, but before any call and with
 * exit code 2: the config and credentials files (AWS_CONFIG_FILE,
 * AWS_SHARED_CREDENTIALS_FILE, else ~/.aws/config and ~/.aws/credentials),
 * AWS_PROFILE, AWS_REGION and the profile's region setting.
 */
import * as os from 'os';
import * as path from 'path';
import {
  ENV_PROFILE,
  loadConfig,
  loadSharedConfigFiles,
  NODE_REGION_CONFIG_FILE_OPTIONS,
  NODE_REGION_CONFIG_OPTIONS,
} from '@smithy/core/config';

/** Where the SDK reads its files from, for messages. */
export function awsConfigFiles(env: NodeJS.ProcessEnv = process.env): { config: string; credentials: string } {
  const home = env.HOME || env.USERPROFILE || os.homedir();
  return {
    config: env.AWS_CONFIG_FILE || path.join(home, '.aws', 'config'),
    credentials: env.AWS_SHARED_CREDENTIALS_FILE || path.join(home, '.aws', 'credentials'),
  };
}

/**
 * A problem when the named profile is in neither file, or undefined. The
 * profile is --profile, else AWS_PROFILE; with neither, the SDK's default
 * chain needs no profile (environment variables, a role) and there is
 * nothing to check.
 */
export async function profileProblem(flagProfile: string | undefined, env: NodeJS.ProcessEnv = process.env): Promise<string | undefined> {
  const profile = flagProfile ?? env[ENV_PROFILE];
  if (!profile) return undefined;
  const { configFile, credentialsFile } = await loadSharedConfigFiles({ ignoreCache: true });
  if (profile in configFile || profile in credentialsFile) return undefined;
  const files = awsConfigFiles(env);
  // The SDK keeps [sso-session x] and [services x] sections as "sso-session.x", "services.x": not profiles.
  const known = [...new Set([...Object.keys(configFile), ...Object.keys(credentialsFile)])]
    .filter((name) => !/^(sso-session|services)\./.test(name))
    .sort();
  const label = flagProfile !== undefined ? `--profile '${profile}'` : `AWS_PROFILE '${profile}'`;
  return (
    `${label}: no such profile in the AWS config file (${files.config}) or credentials file (${files.credentials}). ` +
    (known.length > 0 ? `Profiles there: ${known.join(', ')}. ` : 'Neither file has any profile. ') +
    `Create it with: aws configure --profile ${profile} (or aws configure sso --profile ${profile}).`
  );
}

/** The Region the SDK would use with this profile (AWS_REGION, the profile's region, instance metadata), or undefined. */
export async function sdkDefaultRegion(profile: string | undefined): Promise<string | undefined> {
  try {
    return await loadConfig(NODE_REGION_CONFIG_OPTIONS, { ...NODE_REGION_CONFIG_FILE_OPTIONS, profile, ignoreCache: true })();
  } catch {
    return undefined;
  }
}

/** The problem when no Region is given and the SDK chain has none either. */
export function noRegionProblem(profile: string | undefined, env: NodeJS.ProcessEnv = process.env): string {
  const files = awsConfigFiles(env);
  const where = profile ?? env[ENV_PROFILE] ?? 'default';
  return (
    `no AWS Region: pass --region, set AWS_REGION, or add "region = ..." to the profile ${where} in ${files.config}.`
  );
}
