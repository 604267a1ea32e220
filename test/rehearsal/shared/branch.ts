/**
 * aws:branch: the first Choice whose condition holds names the next step,
 * otherwise Default; with neither, the step fails. A condition is one
 * Variable with one operator, or And / Or / Not of conditions. Operators are
 * typed as the action reference types them; a Variable of the wrong type
 * (e.g. the String "true" under BooleanEquals) fails the step instead of
 * quietly comparing unequal.
 */
import { substitute, VariableLookup } from './variables';

export class BranchError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'BranchError';
  }
}

const STRING_OPERATORS = ['StringEquals', 'EqualsIgnoreCase', 'StartsWith', 'EndsWith', 'Contains'] as const;
const NUMERIC_OPERATORS = [
  'NumericEquals',
  'NumericGreater',
  'NumericLesser',
  'NumericGreaterOrEquals',
  'NumericLesserOrEquals',
] as const;
const OPERATORS: readonly string[] = [...STRING_OPERATORS, ...NUMERIC_OPERATORS, 'BooleanEquals'];

type Condition = { [key: string]: unknown };

function evaluateOperator(operator: string, variableText: string, actual: unknown, expected: unknown): boolean {
  const typeError = (wanted: string, what: unknown): never => {
    throw new BranchError(`${operator} needs a ${wanted}, but ${variableText} is ${JSON.stringify(what)}`);
  };
  if ((STRING_OPERATORS as readonly string[]).includes(operator)) {
    if (typeof expected !== 'string') typeError('String operand', expected);
    const operand = expected as string;
    if (operator === 'Contains' && Array.isArray(actual)) return actual.includes(operand);
    if (typeof actual !== 'string') return typeError('String', actual);
    switch (operator) {
      case 'StringEquals':
        return actual === operand;
      case 'EqualsIgnoreCase':
        return actual.toLowerCase() === operand.toLowerCase();
      case 'StartsWith':
        return actual.startsWith(operand);
      case 'EndsWith':
        return actual.endsWith(operand);
      default:
        return actual.includes(operand);
    }
  }
  if ((NUMERIC_OPERATORS as readonly string[]).includes(operator)) {
    if (typeof actual !== 'number') typeError('number (Integer)', actual);
    if (typeof expected !== 'number') typeError('number operand', expected);
    const [a, b] = [actual as number, expected as number];
    switch (operator) {
      case 'NumericEquals':
        return a === b;
      case 'NumericGreater':
        return a > b;
      case 'NumericLesser':
        return a < b;
      case 'NumericGreaterOrEquals':
        return a >= b;
      default:
        return a <= b;
    }
  }
  // BooleanEquals
  if (typeof actual !== 'boolean') typeError('Boolean', actual);
  if (typeof expected !== 'boolean') typeError('Boolean operand', expected);
  return actual === expected;
}

export function evaluateCondition(condition: Condition, lookup: VariableLookup): boolean {
  const keys = Object.keys(condition).filter((key) => key !== 'NextStep');
  if (keys.length === 1 && keys[0] === 'And') {
    const parts = condition.And;
    if (!Array.isArray(parts) || parts.length < 2) throw new BranchError('And takes a list of at least two conditions');
    return parts.every((part) => evaluateCondition(part as Condition, lookup));
  }
  if (keys.length === 1 && keys[0] === 'Or') {
    const parts = condition.Or;
    if (!Array.isArray(parts) || parts.length < 2) throw new BranchError('Or takes a list of at least two conditions');
    return parts.some((part) => evaluateCondition(part as Condition, lookup));
  }
  if (keys.length === 1 && keys[0] === 'Not') {
    const part = condition.Not;
    if (!part || typeof part !== 'object' || Array.isArray(part)) throw new BranchError('Not takes one condition');
    return !evaluateCondition(part as Condition, lookup);
  }
  const operators = keys.filter((key) => key !== 'Variable');
  if (!('Variable' in condition) || operators.length !== 1) {
    throw new BranchError(`a condition needs Variable and exactly one operator, got ${keys.join(', ')}`);
  }
  const operator = operators[0];
  if (!OPERATORS.includes(operator)) throw new BranchError(`operator ${operator} is not implemented by the runner`);
  const variableText = String(condition.Variable);
  const actual = substitute(condition.Variable, lookup);
  return evaluateOperator(operator, variableText, actual, condition[operator]);
}

/** The step aws:branch continues with. */
export function chooseNextStep(inputs: { [key: string]: unknown }, lookup: VariableLookup): string {
  const unknown = Object.keys(inputs).filter((key) => key !== 'Choices' && key !== 'Default');
  if (unknown.length > 0) throw new BranchError(`aws:branch input ${unknown.join(', ')} is not implemented by the runner`);
  const choices = inputs.Choices;
  if (!Array.isArray(choices) || choices.length === 0) throw new BranchError('aws:branch needs a non-empty Choices list');
  for (const choice of choices as Condition[]) {
    if (typeof choice.NextStep !== 'string') throw new BranchError('every Choice needs a NextStep');
    if (evaluateCondition(choice, lookup)) return choice.NextStep;
  }
  if (typeof inputs.Default === 'string') return inputs.Default;
  throw new BranchError('no Choice matched and the step has no Default');
}
