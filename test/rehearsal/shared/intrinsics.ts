/**
 * Reads the runbook out of a generated template file and resolves its
 * `Fn::Sub` the way CloudFormation would when the stack is created: stack
 * parameters (supplied or defaulted, and checked against the template's own
 * constraints), pseudo parameters and the `Fn::GetAtt` values of resources
 * the test stands in for (`AutomationRole.Arn`, `Preflight.TargetKeyArn`).
 * A reference with no value is an error, never an empty string.
 */
import * as fs from 'fs';
import * as yaml from 'js-yaml';
import { loadCfnYaml } from '../../../generator/shared/serialize';

export interface TemplateParameter {
  Type: string;
  Default?: string | number;
  AllowedPattern?: string;
  AllowedValues?: string[];
  MinLength?: number;
  MaxLength?: number;
  MinValue?: number;
  MaxValue?: number;
}

export interface LoadedTemplate {
  file: string;
  Parameters: { [name: string]: TemplateParameter };
  Resources: { [logicalId: string]: { Type: string; Properties?: { [key: string]: unknown } } };
}

/** The values a stack would have: what the user typed, what CloudFormation knows, what resources return. */
export interface StackValues {
  /** Stack parameters the user supplies; the others take the template's Default. */
  parameters: { [name: string]: string | number };
  /** AWS::Region, AWS::AccountId, AWS::StackId, AWS::StackName, AWS::Partition, AWS::URLSuffix. */
  pseudo: { [name: string]: string };
  /** `Logical.Attribute` → value, for the `${Logical.Attribute}` references of Fn::Sub. */
  attributes: { [logicalIdDotAttribute: string]: string };
  /** `Logical` → value of `Ref` on a resource. */
  resourceRefs?: { [logicalId: string]: string };
}

/** The pseudo parameters of a stack in the commercial partition. */
export const pseudoParameters = (region: string, accountId: string, stackId: string, stackName: string): StackValues['pseudo'] => ({
  'AWS::Region': region,
  'AWS::AccountId': accountId,
  'AWS::Partition': 'aws',
  'AWS::URLSuffix': 'amazonaws.com',
  'AWS::StackId': stackId,
  'AWS::StackName': stackName,
});

export class IntrinsicError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'IntrinsicError';
  }
}

export function loadTemplate(file: string): LoadedTemplate {
  const text = fs.readFileSync(file, 'utf8');
  // The YAML file writes intrinsics short (!Sub); loaded, they are the long form the JSON file holds.
  const template = (file.endsWith('.json') ? JSON.parse(text) : loadCfnYaml(text)) as LoadedTemplate;
  if (!template || typeof template !== 'object' || !template.Resources) {
    throw new IntrinsicError(`${file} is not a CloudFormation template (no Resources)`);
  }
  return { ...template, file };
}

/** The one AWS::SSM::Document of type Automation in the template. */
export function findAutomationDocument(template: LoadedTemplate): { logicalId: string; content: unknown; format: string } {
  const documents = Object.entries(template.Resources).filter(
    ([, resource]) => resource.Type === 'AWS::SSM::Document' && resource.Properties?.DocumentType === 'Automation',
  );
  if (documents.length !== 1) {
    throw new IntrinsicError(`${template.file}: expected one Automation document, found ${documents.length}`);
  }
  const [logicalId, resource] = documents[0];
  const format = String(resource.Properties?.DocumentFormat ?? 'JSON');
  return { logicalId, content: resource.Properties?.Content, format };
}

/** A parameter value as CloudFormation would accept it, or an error naming the constraint it breaks. */
export function checkParameterValue(name: string, spec: TemplateParameter, raw: string | number): string {
  const value = String(raw);
  if (spec.Type === 'Number') {
    if (!/^-?\d+(\.\d+)?$/.test(value)) throw new IntrinsicError(`parameter ${name}=${value} is not a Number`);
    const number = Number(value);
    if (spec.MinValue !== undefined && number < spec.MinValue) {
      throw new IntrinsicError(`parameter ${name}=${value} is below MinValue ${spec.MinValue}`);
    }
    if (spec.MaxValue !== undefined && number > spec.MaxValue) {
      throw new IntrinsicError(`parameter ${name}=${value} is above MaxValue ${spec.MaxValue}`);
    }
  } else if (spec.Type !== 'String') {
    throw new IntrinsicError(`parameter ${name} has type ${spec.Type}, which the rehearsal does not resolve`);
  }
  if (spec.MinLength !== undefined && value.length < spec.MinLength) {
    throw new IntrinsicError(`parameter ${name}="${value}" is shorter than MinLength ${spec.MinLength}`);
  }
  if (spec.MaxLength !== undefined && value.length > spec.MaxLength) {
    throw new IntrinsicError(`parameter ${name}="${value}" is longer than MaxLength ${spec.MaxLength}`);
  }
  // CloudFormation anchors AllowedPattern to the whole value.
  if (spec.AllowedPattern !== undefined && !new RegExp(`^(?:${spec.AllowedPattern})$`).test(value)) {
    throw new IntrinsicError(`parameter ${name}="${value}" does not match AllowedPattern ${spec.AllowedPattern}`);
  }
  if (spec.AllowedValues !== undefined && !spec.AllowedValues.includes(value)) {
    throw new IntrinsicError(`parameter ${name}="${value}" is not one of ${spec.AllowedValues.join(', ')}`);
  }
  return value;
}

/** Every stack parameter's value: supplied ones checked, missing ones defaulted, unknown ones refused. */
export function resolveStackParameters(template: LoadedTemplate, supplied: StackValues['parameters']): { [name: string]: string } {
  const resolved: { [name: string]: string } = {};
  for (const name of Object.keys(supplied)) {
    if (!template.Parameters[name]) throw new IntrinsicError(`parameter ${name} is not declared by the template`);
  }
  for (const [name, spec] of Object.entries(template.Parameters)) {
    if (name in supplied) resolved[name] = checkParameterValue(name, spec, supplied[name]);
    else if (spec.Default !== undefined) resolved[name] = String(spec.Default);
    else throw new IntrinsicError(`parameter ${name} has no Default and no value was supplied`);
  }
  return resolved;
}

/** `Fn::Sub` of a string (or `[string, variables]`) with the stack's values. */
export function resolveSub(sub: unknown, template: LoadedTemplate, values: StackValues): string {
  let text: string;
  let localVariables: { [name: string]: unknown } = {};
  if (typeof sub === 'string') text = sub;
  else if (Array.isArray(sub) && typeof sub[0] === 'string' && sub.length === 2) {
    text = sub[0];
    localVariables = sub[1] as { [name: string]: unknown };
  } else throw new IntrinsicError(`Fn::Sub takes a string or [string, {variables}], got ${JSON.stringify(sub).slice(0, 80)}`);

  const parameters = resolveStackParameters(template, values.parameters);
  return text.replace(/\$\{([^}]*)\}/g, (whole, reference: string) => {
    if (reference.startsWith('!')) return '${' + reference.slice(1) + '}';
    if (reference in localVariables) {
      const local = localVariables[reference];
      if (typeof local !== 'string') throw new IntrinsicError(`Fn::Sub variable ${reference} is not a literal string`);
      return local;
    }
    if (reference.startsWith('AWS::')) {
      const pseudo = values.pseudo[reference];
      if (pseudo === undefined) throw new IntrinsicError(`no test value for pseudo parameter ${reference}`);
      return pseudo;
    }
    if (reference in parameters) return parameters[reference];
    if (reference.includes('.')) {
      const [logicalId] = reference.split('.');
      if (!template.Resources[logicalId]) throw new IntrinsicError(`${whole} names no resource of the template`);
      const attribute = values.attributes[reference];
      if (attribute === undefined) throw new IntrinsicError(`no test value for Fn::GetAtt ${reference}`);
      return attribute;
    }
    if (template.Resources[reference]) {
      const ref = values.resourceRefs?.[reference];
      if (ref === undefined) throw new IntrinsicError(`no test value for Ref ${reference}`);
      return ref;
    }
    throw new IntrinsicError(`${whole} is neither a parameter, a pseudo parameter nor a resource`);
  });
}

/** The runbook text exactly as SSM would receive it from CloudFormation, and its parsed form. */
export function resolveAutomationDocument(template: LoadedTemplate, values: StackValues): { text: string; document: unknown } {
  const { logicalId, content, format } = findAutomationDocument(template);
  let text: string;
  if (typeof content === 'string') text = content;
  else if (content && typeof content === 'object' && 'Fn::Sub' in content) {
    text = resolveSub((content as { 'Fn::Sub': unknown })['Fn::Sub'], template, values);
  } else {
    throw new IntrinsicError(`${logicalId}.Properties.Content is neither a string nor Fn::Sub; the rehearsal resolves only those`);
  }
  const document = format === 'YAML' ? yaml.load(text) : JSON.parse(text);
  return { text, document };
}
