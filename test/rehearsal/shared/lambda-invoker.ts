/**
 * aws:invokeLambdaFunction's engine for the rehearsal: the function's inline
 * code, taken from the rehearsed template, written as index.js under build/
 * (so `require('@aws-sdk/...')` resolves from the project's node_modules, as
 * the runtime's bundled SDK would) and run by a child Node process with the
 * SDK pointed at moto and the runbook's virtual clock in place of the real
 * one (invoke-lambda-virtual.js). The child loads the code once and serves
 * every call of a run, as a warm Lambda would; close() ends it.
 */
import { ChildProcess, spawn } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { createInterface } from 'readline';
import { LambdaInvoker, LambdaOutcome } from './runbook-runner';

const BUILD_DIR = path.join(__dirname, '..', '..', '..', 'build', 'rehearsal');
const INVOKE_SCRIPT = path.join(__dirname, 'invoke-lambda-virtual.js');

export interface LambdaEnvironment {
  endpoint: string;
  region: string;
  accessKeyId: string;
  secretAccessKey: string;
}

export interface ClosableInvoker {
  invoke: LambdaInvoker;
  close(): void;
}

/** An invoker of one function (`name`, its Ref) whose inline code is `code`. */
export function lambdaInvoker(name: string, code: string, env: LambdaEnvironment): ClosableInvoker {
  let child: ChildProcess | undefined;
  let logs: string[] = [];
  const waiting: ((line: string) => void)[] = [];
  const start = (): ChildProcess => {
    fs.mkdirSync(BUILD_DIR, { recursive: true });
    const dir = fs.mkdtempSync(path.join(BUILD_DIR, 'lambda-'));
    fs.writeFileSync(path.join(dir, 'index.js'), code);
    const started = spawn(process.execPath, [INVOKE_SCRIPT, path.join(dir, 'index.js')], {
      env: {
        PATH: process.env.PATH,
        HOME: process.env.HOME,
        AWS_ENDPOINT_URL: env.endpoint,
        AWS_ACCESS_KEY_ID: env.accessKeyId,
        AWS_SECRET_ACCESS_KEY: env.secretAccessKey,
        AWS_REGION: env.region,
        AWS_EC2_METADATA_DISABLED: 'true',
      },
      stdio: ['pipe', 'pipe', 'pipe', 'pipe'],
    });
    started.stdout!.on('data', (chunk) => logs.push(String(chunk)));
    started.stderr!.on('data', (chunk) => logs.push(String(chunk)));
    createInterface({ input: started.stdio[3] as NodeJS.ReadableStream }).on('line', (line) => waiting.shift()?.(line));
    started.on('exit', (exitCode) => {
      for (const resolve of waiting.splice(0)) resolve(JSON.stringify({ errorType: 'Runtime.ExitError', errorMessage: `exited ${exitCode}: ${logs.join('')}` }));
      child = undefined;
    });
    return started;
  };
  const invoke: LambdaInvoker = async ({ functionName, payload, nowMs, timeoutSeconds }) => {
    if (functionName !== name) {
      return { kind: 'raised', errorType: 'ResourceNotFoundException', errorMessage: `Function not found: ${functionName}`, log: '' };
    }
    child ??= start();
    logs = [];
    const line = await new Promise<string>((resolve) => {
      waiting.push(resolve);
      child!.stdin!.write(`${JSON.stringify({ event: payload, nowMs, remainingMs: timeoutSeconds * 1000 })}\n`);
    });
    const outcome = JSON.parse(line);
    const log = logs.join('').trim();
    return 'payload' in outcome
      ? ({ kind: 'returned', payload: outcome.payload, log } as LambdaOutcome)
      : { kind: 'raised', errorType: outcome.errorType, errorMessage: outcome.errorMessage, log };
  };
  return { invoke, close: () => child?.kill() };
}
