/**
 * One template object, two files. JSON is written with the object's own key
 * order (the modules build it in a fixed order), and YAML is dumped from the
 * same object, so both files say the same thing and the same input always
 * gives the same bytes.
 */
import * as yaml from 'js-yaml';
import { CfnTemplate } from './cfn';
import { REGENERATE_NOTE } from './template';

export function toJson(template: CfnTemplate): string {
  return JSON.stringify(template, null, 2) + '\n';
}

export function toYaml(template: CfnTemplate): string {
  const body = yaml.dump(template, { lineWidth: -1, noRefs: true, sortKeys: false, quotingType: "'" });
  return `# ${REGENERATE_NOTE}\n${body}`;
}
