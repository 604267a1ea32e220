/**
 * Step outputs are typed. Automation converts a value to the declared Type
 * where its documentation says it can (String → StringList/Integer/Boolean,
 * Integer and Boolean → String/StringList, a one-element list → its element's
 * type) and otherwise fails the step. This module does exactly those
 * conversions and refuses everything else with a message naming the output.
 */

export const OUTPUT_TYPES = ['String', 'Integer', 'Boolean', 'StringList', 'StringMap', 'MapList'] as const;
export type OutputType = (typeof OUTPUT_TYPES)[number];

export class OutputTypeError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'OutputTypeError';
  }
}

const describe = (value: unknown): string =>
  value === null ? 'null' : Array.isArray(value) ? `a list of ${value.length}` : `${typeof value} ${JSON.stringify(value)?.slice(0, 60)}`;

const isPlainObject = (value: unknown): value is { [key: string]: unknown } =>
  value !== null && typeof value === 'object' && !Array.isArray(value);

function scalarToString(value: unknown): string | undefined {
  if (typeof value === 'string') return value;
  if (typeof value === 'boolean') return String(value);
  if (typeof value === 'number' && Number.isInteger(value)) return String(value);
  return undefined;
}

export function convertOutput(name: string, value: unknown, type: OutputType): unknown {
  const fail = (): never => {
    throw new OutputTypeError(`output ${name} is ${describe(value)}, which Automation cannot convert to ${type}`);
  };
  // A one-element list converts to its element for the scalar types.
  const single = Array.isArray(value) && value.length === 1 ? value[0] : undefined;
  switch (type) {
    case 'String': {
      const text = scalarToString(value) ?? (single !== undefined ? scalarToString(single) : undefined);
      return text ?? fail();
    }
    case 'Integer': {
      const candidate = single !== undefined ? single : value;
      if (typeof candidate === 'number' && Number.isInteger(candidate)) return candidate;
      if (typeof candidate === 'string' && /^-?\d+$/.test(candidate)) return Number(candidate);
      return fail();
    }
    case 'Boolean': {
      const candidate = single !== undefined ? single : value;
      if (typeof candidate === 'boolean') return candidate;
      if (typeof candidate === 'string' && /^(true|false)$/i.test(candidate)) return candidate.toLowerCase() === 'true';
      return fail();
    }
    case 'StringList': {
      if (Array.isArray(value)) return value.map((item) => scalarToString(item) ?? fail());
      const text = scalarToString(value);
      return text !== undefined ? [text] : fail();
    }
    case 'StringMap':
      return isPlainObject(value) ? value : fail();
    case 'MapList':
      return Array.isArray(value) && value.every(isPlainObject) ? value : fail();
    default:
      throw new OutputTypeError(`output ${name} has Type ${String(type)}, which Automation does not know`);
  }
}
