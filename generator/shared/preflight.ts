/**
 * The preflight function both stacks run: a Lambda function whose TypeScript
 * source lives in custom-resource/<stack>/, bundled with esbuild, minified by
 * terser and inlined
 * as ZipFile so no stack needs an S3 bucket in any Region or account, and the
 * custom resource that calls it before anything else is created.
 */
import { createHash } from 'crypto';
import * as fs from 'fs';
import * as path from 'path';
import { buildSync } from 'esbuild';
import { MinifyOptions, minify_sync as minifySync } from 'terser';
import { CfnResource, CfnValue, scannerSkips, getAtt, ref } from './cfn';

/** nodejs24.x is supported to 2028; it has no callback handlers, which the handler does not use. */
export const PREFLIGHT_RUNTIME = 'nodejs24.x';
/** The handler replies well before this, however long an SDK call hangs. */
export const PREFLIGHT_TIMEOUT_SECONDS = 60;
/** How long CloudFormation waits for a reply that never comes (default 3600). */
export const PREFLIGHT_SERVICE_TIMEOUT_SECONDS = 120;

/**
 * Bundle the handler to one CommonJS file. The AWS SDK v3 ships with Node.js
 * Lambda runtimes, so it stays external.
 */
export function bundlePreflight(entry: string): string {
  const result = buildSync({
    entryPoints: [entry],
    bundle: true,
    platform: 'node',
    target: 'node22',
    format: 'cjs',
    external: ['@aws-sdk/*'],
    legalComments: 'none',
    charset: 'utf8',
    write: false,
  });
  return minified(result.outputFiles[0].text);
}

/**
 * terser's compression and top-level renaming leave about 5% less than
 * esbuild's own minifier: the bundle has to fit its share of the template.
 */
const TERSER_OPTIONS: MinifyOptions = {
  ecma: 2020,
  toplevel: true,
  // Function expressions that use neither `this` nor `arguments` become arrows; none is a constructor.
  compress: { passes: 2, unsafe_arrows: true },
  format: { comments: false, ascii_only: false },
};

/**
 * Minifying takes most of a `make template` (two passes over each bundle), and
 * its output depends only on its input, the options and terser's version: it
 * is kept in build/minified/ under their hash, so a bundle is minified again
 * only when its code changed (the tests render the templates in every worker).
 */
const MINIFIED_CACHE = path.join(__dirname, '..', '..', 'build', 'minified');

function minified(bundle: string): string {
  const terserVersion = (JSON.parse(fs.readFileSync(require.resolve('terser/package.json'), 'utf8')) as { version: string }).version;
  const key = createHash('sha256').update(JSON.stringify([terserVersion, TERSER_OPTIONS])).update('\0').update(bundle).digest('hex');
  const file = path.join(MINIFIED_CACHE, `${key}.js`);
  if (fs.existsSync(file)) return fs.readFileSync(file, 'utf8');
  const code = minifySync(bundle, TERSER_OPTIONS).code!.trimEnd();
  fs.mkdirSync(MINIFIED_CACHE, { recursive: true });
  // Written whole, then renamed: a reader never sees half a file, whichever process writes it first.
  const partial = `${file}.${process.pid}.tmp`;
  fs.writeFileSync(partial, code);
  fs.renameSync(partial, file);
  return code;
}

/**
 * CloudFormation calls a custom resource on a stack update only when its
 * properties change. New code must run on the update that brings it: its
 * checks, and the Data keys the new template reads with Fn::GetAtt (a key the
 * old code never returned fails the update). So the code's hash is a property.
 */
export const codeVersion = (bundle: string): string => createHash('sha256').update(bundle).digest('hex').slice(0, 16);

/** What differs between the two templates' preflight checks; the function and its log group are the same. */
export interface PreflightSpec {
  ids: { logGroup: string; function: string; role: string; resource: string };
  description: string;
  resourceType: string;
  properties: { [name: string]: CfnValue };
  bundle: string;
  /** What the function calls, for the scanners' note on why it runs outside a VPC. */
  calls: string;
  /** Scanner notes that differ from a function run only by stack operations. */
  functionSkipReasons?: { [checkId: string]: string };
  /** A function that does more than the preflight may need longer than PREFLIGHT_TIMEOUT_SECONDS. */
  timeoutSeconds?: number;
}

export function preflightFunctionResources(spec: PreflightSpec): { [logicalId: string]: CfnResource } {
  const { ids } = spec;
  return {
    [ids.logGroup]: {
      Type: 'AWS::Logs::LogGroup',
      DeletionPolicy: 'Delete',
      UpdateReplacePolicy: 'Delete',
      Metadata: scannerSkips({
        CKV_AWS_158: 'Check results only, no secrets; a KMS key per Region would add cost.',
      }),
      Properties: { RetentionInDays: 365 },
    },
    [ids.function]: {
      Type: 'AWS::Lambda::Function',
      Metadata: scannerSkips({
        CKV_AWS_115: 'Runs once per stack operation; reserving concurrency would take it from the account.',
        CKV_AWS_116: 'Every invocation replies to CloudFormation itself, failures included; a DLQ would add nothing.',
        CKV_AWS_117: `Calls only public ${spec.calls} APIs; a VPC would need NAT or endpoints.`,
        ...spec.functionSkipReasons,
      }),
      Properties: {
        Description: spec.description,
        Runtime: PREFLIGHT_RUNTIME,
        Handler: 'index.handler',
        Timeout: spec.timeoutSeconds ?? PREFLIGHT_TIMEOUT_SECONDS,
        MemorySize: 256,
        Role: getAtt(ids.role, 'Arn'),
        // LogFormat is Text unless set.
        LoggingConfig: { LogGroup: ref(ids.logGroup) },
        Code: { ZipFile: spec.bundle },
      },
    },
    [ids.resource]: {
      Type: spec.resourceType,
      Properties: {
        ServiceToken: getAtt(ids.function, 'Arn'),
        ServiceTimeout: PREFLIGHT_SERVICE_TIMEOUT_SECONDS,
        CodeVersion: codeVersion(spec.bundle),
        ...spec.properties,
      },
    },
  };
}
