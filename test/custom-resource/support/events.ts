/**
 * CloudFormation requests for the preflight function, built from a real-shaped
 * fixture: tests state only what differs from a good Create.
 */
import * as fs from 'fs';
import * as path from 'path';
import type { CfnRequest } from '../../../custom-resource/shared/cfn-response';
import type { PreflightProperties } from '../../../custom-resource/dr/contract';

const FIXTURE = path.join(__dirname, '..', '..', 'fixtures', 'preflight-create-event.json');

export type PreflightEvent = CfnRequest & { ResourceProperties: PreflightProperties & { [name: string]: unknown } };

export interface EventChanges extends Partial<Omit<CfnRequest, 'ResourceProperties'>> {
  properties?: Partial<PreflightProperties>;
}

export function makeEvent(changes: EventChanges = {}): PreflightEvent {
  const { properties, ...rest } = changes;
  const fixture = JSON.parse(fs.readFileSync(FIXTURE, 'utf8')) as PreflightEvent;
  return { ...fixture, ...rest, ResourceProperties: { ...fixture.ResourceProperties, ...properties } };
}

/** A Lambda context whose clock runs down from `remainingMs`. */
export function lambdaContext(remainingMs = 60_000) {
  const deadline = Date.now() + remainingMs;
  return { getRemainingTimeInMillis: () => deadline - Date.now(), logStreamName: '2026/11/01/[$LATEST]0123456789abcdef' };
}
