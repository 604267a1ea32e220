/**
 * aws:executeAwsApi and aws:waitForAwsResourceProperty call `Service` + `Api`
 * with the step's other inputs as the request. Here that is the AWS SDK v3
 * client of the service and its `<Api>Command`. Automation calls the API with
 * boto3, which rejects unknown request members; SDK v3 silently drops them,
 * so the request is first checked against botocore's own model of the API
 * (from .venv) — a misspelt parameter fails the step instead of widening the
 * call.
 */
import * as fs from 'fs';
import * as path from 'path';
import * as zlib from 'zlib';

/** Automation's service names (boto3 client names) → installed SDK v3 packages. */
const SDK_PACKAGES: { [service: string]: { packageName: string; clientName: string } } = {
  rds: { packageName: '@aws-sdk/client-rds', clientName: 'RDSClient' },
  kms: { packageName: '@aws-sdk/client-kms', clientName: 'KMSClient' },
  ssm: { packageName: '@aws-sdk/client-ssm', clientName: 'SSMClient' },
  cloudformation: { packageName: '@aws-sdk/client-cloudformation', clientName: 'CloudFormationClient' },
};

const BOTOCORE_DATA = path.join(__dirname, '..', '..', '..', '.venv', 'lib', 'python3.11', 'site-packages', 'botocore', 'data');

export class AwsApiError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'AwsApiError';
  }
}

export interface AwsConnection {
  endpoint: string;
  credentials: { accessKeyId: string; secretAccessKey: string };
}

interface BotocoreModel {
  operations: { [name: string]: { input?: { shape: string } } };
  shapes: { [name: string]: { type: string; members?: { [name: string]: unknown }; required?: string[] } };
}

const modelCache = new Map<string, BotocoreModel>();

function botocoreModel(service: string): BotocoreModel {
  const cached = modelCache.get(service);
  if (cached) return cached;
  const serviceDir = path.join(BOTOCORE_DATA, service);
  if (!fs.existsSync(serviceDir)) throw new AwsApiError(`botocore has no service "${service}"`);
  const version = fs.readdirSync(serviceDir).sort().pop() as string;
  const base = path.join(serviceDir, version, 'service-2.json');
  const text = fs.existsSync(base) ? fs.readFileSync(base, 'utf8') : zlib.gunzipSync(fs.readFileSync(`${base}.gz`)).toString();
  const model = JSON.parse(text) as BotocoreModel;
  modelCache.set(service, model);
  return model;
}

/** Refuses request members the API does not have, and missing required ones, as boto3 would. */
export function checkRequestAgainstModel(service: string, api: string, request: { [key: string]: unknown }): void {
  const model = botocoreModel(service);
  const operation = model.operations[api];
  if (!operation) throw new AwsApiError(`${service} has no API ${api}`);
  const shape = operation.input ? model.shapes[operation.input.shape] : { type: 'structure', members: {} };
  const members = Object.keys(shape.members ?? {});
  const unknown = Object.keys(request).filter((key) => !members.includes(key));
  if (unknown.length > 0) {
    throw new AwsApiError(`${service}:${api} has no parameter ${unknown.join(', ')} (it takes ${members.join(', ')})`);
  }
  const missing = (shape.required ?? []).filter((key) => !(key in request));
  if (missing.length > 0) throw new AwsApiError(`${service}:${api} requires ${missing.join(', ')}`);
}

type SdkClient = { send(command: unknown): Promise<unknown> };
type SdkModule = { [name: string]: new (config: unknown) => unknown };

export class AwsApiCaller {
  private readonly clients = new Map<string, SdkClient>();

  constructor(private readonly connection: AwsConnection) {}

  private sdk(service: string): SdkModule {
    const known = SDK_PACKAGES[service];
    if (!known) {
      throw new AwsApiError(
        `the runner has no SDK client for service "${service}" (it knows ${Object.keys(SDK_PACKAGES).join(', ')})`,
      );
    }
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    return require(known.packageName) as SdkModule;
  }

  private client(service: string, region: string): SdkClient {
    const key = `${service}@${region}`;
    let client = this.clients.get(key);
    if (!client) {
      const Client = this.sdk(service)[SDK_PACKAGES[service].clientName];
      client = new Client({
        region,
        endpoint: this.connection.endpoint,
        credentials: this.connection.credentials,
      }) as SdkClient;
      this.clients.set(key, client);
    }
    return client;
  }

  /** The API's response as Automation's selectors see it: plain JSON, timestamps as ISO strings. */
  async call(service: string, api: string, request: { [key: string]: unknown }, region: string): Promise<unknown> {
    const sdk = this.sdk(service);
    const Command = sdk[`${api}Command`];
    if (typeof Command !== 'function') throw new AwsApiError(`${SDK_PACKAGES[service].packageName} has no ${api}Command`);
    checkRequestAgainstModel(service, api, request);
    const response = (await this.client(service, region).send(new Command(request))) as { [key: string]: unknown };
    const { $metadata: _metadata, ...body } = response;
    return JSON.parse(JSON.stringify(body));
  }
}
