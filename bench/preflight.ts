/**
 * The preflight custom resource in `make bench`: how many bytes its bundle
 * takes of the template, and how long it takes from invocation to the reply
 * CloudFormation receives, for a request the Region rule rejects (no AWS
 * call) and for a full good check against moto server. Each run invokes the
 * code inlined in the template in a fresh Node process, as the integration
 * tests do; time is measured from the handler call to the PUT's arrival.
 */
import { renderTemplates, TEMPLATE_BODY_LIMIT_BYTES } from '../generator/main';
import { PREFLIGHT_TIMEOUT_SECONDS } from '../generator/shared/preflight';
import { startMotoServer } from '../test/support/moto-server';
import { EventChanges, makeEvent } from '../test/custom-resource/support/events';
import { inlinedPreflightCode, invokeInChild, seedMoto, writeLambdaDir } from '../test/custom-resource/support/lambda-harness';
import { startResponseServer } from '../test/custom-resource/support/response-server';
import { BenchRow } from './rows';

const RUNS = 7;
/**
 * The bundle's share of the 51,200-byte TemplateBody limit: 9,000 B until the
 * partition and key-policy checks (issue #8), 11,500 B until the snapshot name
 * prefix it returns for the automation role's policy; the YAML template is then
 * about 49,670 B. Raise it only as far as the whole template stays under its limit.
 */
export const PREFLIGHT_BUNDLE_BUDGET_BYTES = 11_600;

const median = (values: number[]): number => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
};

export async function benchPreflight(): Promise<BenchRow[]> {
  const code = inlinedPreflightCode();
  const inJson = JSON.stringify(code).length; // as the JSON template stores it, quotes escaped
  const rows: BenchRow[] = [
    {
      measure: 'preflight bundle bytes',
      value: `${Buffer.byteLength(code)} B`,
      limit: `${PREFLIGHT_BUNDLE_BUDGET_BYTES} B (its share of the ${TEMPLATE_BODY_LIMIT_BYTES} B TemplateBody)`,
    },
    {
      measure: 'preflight bundle bytes as stored in the JSON template',
      value: `${inJson} B`,
      limit: `${Buffer.byteLength(renderTemplates().json)} B whole JSON template, limit ${TEMPLATE_BODY_LIMIT_BYTES} B`,
    },
  ];

  const lambda = writeLambdaDir(code);
  const [moto, server] = await Promise.all([startMotoServer(), startResponseServer()]);
  try {
    await seedMoto(moto.endpoint);
    const environment = { awsEndpoint: moto.endpoint, caFile: server.certFile };
    const timeToReply = async (properties: EventChanges['properties'], expected: string) => {
      const times: number[] = [];
      for (let run = 0; run < RUNS; run++) {
        const endpoint = server.endpoint();
        const { invokedAt, logs } = await invokeInChild(lambda.indexFile, makeEvent({ properties, ResponseURL: endpoint.url }), environment);
        const reply = await endpoint.reply;
        if (reply.body.Status !== expected) throw new Error(`expected ${expected}, got ${reply.body.Status}: ${reply.body.Reason}\n${logs}`);
        times.push(reply.receivedAt - invokedAt);
      }
      return median(times);
    };
    const rejected = await timeToReply({ TargetRegion: 'US-WEST-2' }, 'FAILED');
    const good = await timeToReply({}, 'SUCCESS');
    const limit = `reply before the ${PREFLIGHT_TIMEOUT_SECONDS} s Lambda timeout`;
    rows.push(
      { measure: `preflight invocation to reply, Region rule rejects (median of ${RUNS})`, value: `${rejected} ms`, limit },
      { measure: `preflight invocation to reply, full good check vs moto (median of ${RUNS})`, value: `${good} ms`, limit },
    );
  } finally {
    await Promise.all([moto.stop(), server.stop()]);
    lambda.remove();
  }
  return rows;
}

if (require.main === module) {
  benchPreflight().then(
    (rows) => console.table(rows),
    (error) => {
      console.error(error);
      process.exit(1);
    },
  );
}
