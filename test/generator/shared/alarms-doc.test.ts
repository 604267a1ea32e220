/**
 * docs/alarms.md is the page an alert's reader lands on: every alarm and every
 * alerting rule of both templates must be on it, by the logical id the
 * console shows.
 */
import * as fs from 'fs';
import * as path from 'path';
import { buildTemplate } from '../../../generator/dr/template';
import { buildRecoveryTemplate } from '../../../generator/recovery/template';
import { CfnTemplate } from '../../../generator/shared/cfn';

const page = fs.readFileSync(path.join(__dirname, '..', '..', '..', 'docs', 'alarms.md'), 'utf8');
const readme = fs.readFileSync(path.join(__dirname, '..', '..', '..', 'README.md'), 'utf8');

/** Alarms, and EventBridge rules that publish to an SNS topic of the stack. */
function alerting(template: CfnTemplate): string[] {
  return Object.entries(template.Resources)
    .filter(([, resource]) => {
      if (resource.Type === 'AWS::CloudWatch::Alarm') return true;
      const targets = (resource.Properties?.Targets ?? []) as { Arn?: { Ref?: string } }[];
      return resource.Type === 'AWS::Events::Rule' && targets.some((t) => template.Resources[t.Arn?.Ref ?? '']?.Type === 'AWS::SNS::Topic');
    })
    .map(([logicalId]) => logicalId);
}

describe('docs/alarms.md', () => {
  const templates = { source: buildTemplate('exports.handler=async()=>{};'), recovery: buildRecoveryTemplate('exports.handler=async()=>{};') };

  it.each(Object.entries(templates))('names every alarm and alert rule of the %s template', (_, template) => {
    const ids = alerting(template);
    expect(ids.length).toBeGreaterThan(0);
    for (const id of ids) expect({ id, documented: page.includes(`\`${id}\``) }).toEqual({ id, documented: true });
  });

  it('is linked from the README', () => {
    expect(readme).toContain('(docs/alarms.md)');
  });
});
