/**
 * One template object, two files. JSON is written with the object's own key
 * order (the modules build it in a fixed order), and YAML is dumped from the
 * same object, so both files say the same thing and the same input always
 * gives the same bytes. The JSON file is compact: it is for tools, and the
 * indentation alone would cost a fifth of the 51,200-byte TemplateBody limit;
 * the YAML file is the one to read.
 */
import * as yaml from 'js-yaml';
import { CfnTemplate } from './cfn';
import { REGENERATE_NOTE } from './template';

/** Shared by the template and the runbook inside it: no line folding, no anchors, lists flush with their key. */
export const YAML_OPTIONS: yaml.DumpOptions = { lineWidth: -1, noRefs: true, sortKeys: false, noArrayIndent: true, quotingType: "'" };

export function toJson(template: CfnTemplate): string {
  return JSON.stringify(template) + '\n';
}

export function toYaml(template: CfnTemplate): string {
  const body = yaml.dump(template, YAML_OPTIONS);
  return `# ${REGENERATE_NOTE}\n${body}`;
}
