/**
 * Every role of the three templates, read from the generated templates and asked of
 * an IAM policy simulator that reads the Service Authorization Reference: each
 * call the stacks make is allowed, each request that would tag, change or
 * delete what the stack did not make is denied, and widening any conditioned
 * statement (dropping a condition key, or its Resource to "*") lets some such
 * request through, so no condition is there for show.
 */
import { DR_ATTACKS, DR_LEGITIMATE, RECOVERY_ATTACKS, RECOVERY_LEGITIMATE, RoleRequest, VAULT_ATTACKS, VAULT_LEGITIMATE } from './requests';
import { roleIds, PolicyDocument, Statement } from './simulate';
import { ACCOUNT, SimulatedStack, TARGET, VALIDATION_FUNCTION_NAME, drStack, recoveryStack, vaultStack } from './stacks';
import { RECOVERY_ID } from '../../generator/recovery/logical-ids';

const stacks: [string, () => SimulatedStack, RoleRequest[], RoleRequest[]][] = [
  ['DR stack', drStack, DR_LEGITIMATE, DR_ATTACKS],
  ['recovery stack', recoveryStack, RECOVERY_LEGITIMATE, RECOVERY_ATTACKS],
  ['vault stack', vaultStack, VAULT_LEGITIMATE, VAULT_ATTACKS],
];

/** Every way to widen one statement: without each condition key, without the whole condition, on every resource. */
function widenings(statement: Statement): [string, Statement][] {
  const out: [string, Statement][] = [];
  const { Condition, ...unconditioned } = statement;
  if (!Condition) return out;
  out.push(['without its Condition', unconditioned]);
  for (const [operator, keys] of Object.entries(Condition)) {
    for (const key of Object.keys(keys)) {
      const { [key]: _dropped, ...rest } = keys;
      const narrowed = { ...Condition, [operator]: rest };
      if (Object.keys(rest).length === 0) delete narrowed[operator];
      out.push([`without ${operator} ${key}`, { ...statement, Condition: narrowed }]);
    }
  }
  if (!(statement.Resource.length === 1 && statement.Resource[0] === '*')) out.push(['on Resource "*"', { ...statement, Resource: ['*'] }]);
  return out;
}

describe.each(stacks)('the %s roles', (_name, build, legitimate, attacks) => {
  const stack = build();

  it.each(legitimate.map((r) => [r.role, r.label, r] as const))('%s may: %s', async (_role, _label, request) => {
    expect(await stack.decide(request.role, request)).toEqual({ verdict: 'Allowed', why: '' });
  });

  it.each(attacks.map((r) => [r.role, r.label, r] as const))('%s may not: %s', async (_role, _label, request) => {
    expect((await stack.decide(request.role, request)).verdict).not.toBe('Allowed');
  });

  it('lists a legitimate call for every action every role is given, so none is granted for nothing', () => {
    for (const role of roleIds(stack.template)) {
      const granted = new Set(stack.policy(role).Statement.flatMap((s) => s.Action));
      const used = new Set(legitimate.filter((r) => r.role === role).map((r) => r.action));
      expect([...granted].filter((action) => !used.has(action))).toEqual([]);
    }
  });

  it('lets some attack through when any conditioned statement is widened', async () => {
    const unguarded: string[] = [];
    for (const role of roleIds(stack.template)) {
      const policy = stack.policy(role);
      const roleAttacks = attacks.filter((a) => a.role === role);
      for (const [index, statement] of policy.Statement.entries()) {
        for (const [how, widened] of widenings(statement)) {
          const mutated: PolicyDocument = { ...policy, Statement: policy.Statement.map((s, i) => (i === index ? widened : s)) };
          let caught = false;
          for (const attack of roleAttacks) {
            if ((await stack.decide(role, attack, mutated)).verdict === 'Allowed') {
              caught = true;
              break;
            }
          }
          if (!caught) unguarded.push(`${role} statement ${index} (${statement.Action.join(', ')}) ${how}`);
        }
      }
    }
    expect(unguarded).toEqual([]);
  });

  it('fails when a statement is widened (the check above has teeth)', async () => {
    // Drop every condition of the first role that has one: at least one attack must then be allowed.
    const role = roleIds(stack.template).find((r) => stack.policy(r).Statement.some((s) => s.Condition))!;
    const policy = stack.policy(role);
    const open: PolicyDocument = { ...policy, Statement: policy.Statement.map(({ Condition: _c, ...s }) => s) };
    const verdicts = await Promise.all(attacks.filter((a) => a.role === role).map((a) => stack.decide(role, a, open)));
    expect(verdicts.map((v) => v.verdict)).toContain('Allowed');
  });
});

describe('a recovery stack that names no drill validation function', () => {
  const stack = recoveryStack(undefined, '');

  it('has no statement for one, and its function may invoke no function at all', async () => {
    const granted = stack.policy(RECOVERY_ID.preflightRole).Statement.flatMap((s) => s.Action);
    expect(granted).not.toContain('lambda:InvokeFunction');
    const request = { action: 'lambda:InvokeFunction', resource: `arn:aws:lambda:${TARGET}:${ACCOUNT}:function:${VALIDATION_FUNCTION_NAME}` };
    expect((await stack.decide(RECOVERY_ID.preflightRole, request)).verdict).not.toBe('Allowed');
  });
});
