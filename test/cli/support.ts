/**
 * Shared pieces of the CLI tests: an environment that can only reach
 * 127.0.0.1, captured output, small templates moto can create, and run()
 * with test clients and no waiting.
 */
import { CloudFormationClient } from '@aws-sdk/client-cloudformation';
import { mockClient } from 'aws-sdk-client-mock';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { run, RunOptions } from '../../cli/main';
import { Output } from '../../cli/shared/progress';

export const REPO_ROOT = path.join(__dirname, '..', '..');
export const BIN = path.join(REPO_ROOT, 'cli', 'bin.js');

/**
 * Credentials and endpoint for tests: never a profile of the machine, never
 * instance metadata, and every SDK call goes to `endpoint` on the loopback.
 * Without moto, endpoint is a closed loopback port, so an unmocked call fails
 * instead of leaving the machine.
 */
export function isolatedAwsEnv(endpoint = 'http://127.0.0.1:9'): NodeJS.ProcessEnv {
  return {
    AWS_ENDPOINT_URL: endpoint,
    AWS_ACCESS_KEY_ID: 'testing',
    AWS_SECRET_ACCESS_KEY: 'testing',
    AWS_CONFIG_FILE: path.join(os.tmpdir(), 'aurora-snapshot-dr-no-such-config'),
    AWS_SHARED_CREDENTIALS_FILE: path.join(os.tmpdir(), 'aurora-snapshot-dr-no-such-credentials'),
    AWS_EC2_METADATA_DISABLED: 'true',
    AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
  };
}

const ENV_KEYS_TO_CLEAR = ['AWS_PROFILE', 'AWS_DEFAULT_PROFILE', 'AWS_REGION', 'AWS_DEFAULT_REGION', 'AWS_SESSION_TOKEN'];

/** Apply isolatedAwsEnv to this process; returns a function that restores the previous values. */
export function useIsolatedAwsEnv(endpoint?: string): () => void {
  const saved = { ...process.env };
  for (const key of ENV_KEYS_TO_CLEAR) delete process.env[key];
  Object.assign(process.env, isolatedAwsEnv(endpoint));
  return () => {
    for (const key of Object.keys(process.env)) if (!(key in saved)) delete process.env[key];
    Object.assign(process.env, saved);
  };
}

/** A mocked CloudFormation client in an isolated environment for the file's tests, reset before each one. */
export function useMockedCloudFormation() {
  const cfn = mockClient(CloudFormationClient);
  let restoreEnv: () => void;
  beforeAll(() => (restoreEnv = useIsolatedAwsEnv()));
  afterAll(() => {
    cfn.restore();
    restoreEnv();
  });
  beforeEach(() => cfn.reset());
  return cfn;
}

/** `deploy` with its five required flags, for the stack orders-prod-dr. */
export const DEPLOY_ARGS = [
  'deploy',
  '--stack-name',
  'orders-prod-dr',
  '--cluster',
  'orders-prod',
  '--source-region',
  'us-east-1',
  '--target-region',
  'us-west-2',
  '--kms-key',
  'alias/dr-snapshots',
];

/**
 * `args` with `overrides` applied: a flag already in `args` takes the new
 * value in place (the CLI refuses a flag given twice with different values),
 * any other flag is appended. A flag with no value after it is a switch.
 */
export function withFlags(args: string[], overrides: string[]): string[] {
  const result = [...args];
  for (let i = 0; i < overrides.length; i += 1) {
    const flag = overrides[i];
    const value = overrides[i + 1] !== undefined && !overrides[i + 1].startsWith('--') ? overrides[(i += 1)] : undefined;
    const at = result.indexOf(flag);
    if (at === -1) result.push(...(value === undefined ? [flag] : [flag, value]));
    else if (value !== undefined) result[at + 1] = value;
  }
  return result;
}

export interface Captured extends Output {
  stdout: string[];
  stderr: string[];
  text(): string;
}

export function captureOutput(): Captured {
  const stdout: string[] = [];
  const stderr: string[] = [];
  return {
    stdout,
    stderr,
    out: (line) => stdout.push(...line.split('\n')),
    err: (line) => stderr.push(...line.split('\n')),
    text: () => [...stdout, ...stderr].join('\n'),
  };
}

/** run() as a test calls it: output captured, no sleeping between polls, no terminal to ask on. */
export async function runCli(
  argv: string[],
  options: RunOptions = {},
): Promise<{ code: number; output: Captured }> {
  const output = captureOutput();
  // confirm null: no terminal, as in a script, unless a test brings its own answer.
  const code = await run(argv, { output, sleep: async () => undefined, pollIntervalMs: 0, confirm: null, ...options });
  return { code, output };
}

/**
 * A template moto can create: the product's four required parameters and its
 * schedule, an SNS topic named from them (so a wrong value shows), and the
 * outputs `status` reads. moto implements neither AWS::SSM::Document nor
 * Lambda-backed custom resources, so the real template cannot be created there.
 */
export const SMALL_TEMPLATE = `AWSTemplateFormatVersion: '2010-09-09'
Description: Stand-in for the DR stack, for CLI tests against moto.
Parameters:
  DBClusterIdentifier: {Type: String}
  KMSTargetKey: {Type: String}
  SourceRegion: {Type: String}
  TargetRegion: {Type: String}
  ScheduleExpression: {Type: String, Default: 'cron(0 3 * * ? *)'}
  CopyTimeoutHours: {Type: Number, Default: 12}
Conditions:
  NeverInTheEmulator: !Equals [!Ref 'AWS::Region', 'nowhere']
Resources:
  # The real template's preflight, by which the CLI knows a DR stack; moto cannot run the function behind it, so it is never created.
  Preflight:
    Type: Custom::AuroraSnapshotDrPreflight
    Condition: NeverInTheEmulator
    Properties:
      ServiceToken: !Sub 'arn:aws:lambda:\${AWS::Region}:\${AWS::AccountId}:function:preflight'
  AlertTopic:
    Type: AWS::SNS::Topic
    Properties:
      TopicName: !Sub '\${DBClusterIdentifier}-\${SourceRegion}-alerts'
Outputs:
  AlertTopicArn:
    Value: !Ref AlertTopic
  RunbookName:
    Value: !Sub '\${AWS::StackName}-SnapshotCopyRunbook'
`;

/** A template moto refuses at CreateStack: SNS topic names cannot contain spaces. */
export const REFUSED_TEMPLATE = SMALL_TEMPLATE.replace(
  "TopicName: !Sub '${DBClusterIdentifier}-${SourceRegion}-alerts'",
  "TopicName: 'not a valid topic name'",
);

export function tempDir(): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), 'aurora-snapshot-dr-cli-'));
}

export function writeTemp(dir: string, name: string, text: string): string {
  const file = path.join(dir, name);
  fs.writeFileSync(file, text);
  return file;
}

/** Each `$ command` of the console blocks of a Markdown page with the lines it printed, up to the next `$`. */
export function consoleSessions(markdown: string): { command: string; output: string[] }[] {
  const found: { command: string; output: string[] }[] = [];
  for (const block of markdown.matchAll(/```console\n([\s\S]*?)```/g)) {
    const lines = block[1].replace(/\\\n\s+/g, '').split('\n');
    for (const line of lines) {
      if (line.startsWith('$ ')) found.push({ command: line.slice(2), output: [] });
      else if (found.length > 0 && line !== '') found[found.length - 1].output.push(line);
    }
  }
  return found;
}

/** Split a sample command line into argv the way a POSIX shell would for these simple cases. */
export function shellWords(command: string): string[] {
  return [...command.matchAll(/"([^"]*)"|'([^']*)'|(\S+)/g)].map((m) => m[1] ?? m[2] ?? m[3]);
}
