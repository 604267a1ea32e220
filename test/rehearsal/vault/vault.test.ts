/**
 * The vault rehearsed with three accounts in one moto: two protected accounts
 * whose DR stacks snapshot, copy across Regions and share, and the vault
 * account whose runbook copies the shares under its key and prunes; each
 * runbook read from its generated template and run as its own account.
 */
import { CloudFormationClient, CreateStackCommand } from '@aws-sdk/client-cloudformation';
import { CloudWatchClient, GetMetricStatisticsCommand } from '@aws-sdk/client-cloudwatch';
import { VAULT_METRIC } from '../../../custom-resource/vault/contract';
import { allowedVaultCopyAgeHours } from '../../../custom-resource/vault/rules';
import { checkVaultCopies } from '../../../custom-resource/vault/watchdog';
import { SNAPSHOT_TAG } from '../../../custom-resource/dr/contract';
import { useIsolatedAwsEnv } from '../../cli/support';
import drPreflight = require('../../../custom-resource/dr/index');
import { lambdaContext, makeEvent } from '../../custom-resource/support/events';
import { useTrustedResponseServer } from '../../custom-resource/support/response-server';
import { DAY_MS, SOURCE_REGION, TARGET_REGION } from '../shared/rehearsal-world';
import { expectStatus, stepsOf, useRehearsalWorld } from '../shared/scenario-support';
import { Account, VAULT_ACCOUNT, VaultWorld } from './vault-world';

const HOUR = 3_600_000;
// Days of runbook runs in three accounts: each test runs a few dozen steps, each a Python process.
jest.setTimeout(120_000);
const world = useRehearsalWorld();
const [A, B] = ['111111111111', '222222222222'];

async function accounts(v: VaultWorld): Promise<{ a: Account; b: Account; vault: Account }> {
  return { a: await v.account(A), b: await v.account(B), vault: await v.account(VAULT_ACCOUNT) };
}

/** The next 00:00 UTC of virtual time. */
const nextMidnight = (now: number) => Math.ceil(now / DAY_MS) * DAY_MS;

describe('the vault with two protected accounts', () => {
  it('snapshots, copies across Regions, shares, copies into the vault and prunes in each place, for a cluster in each account', async () => {
    const w = world();
    const v = new VaultWorld(w);
    const { a, b, vault } = await accounts(v);
    const orders = await v.createDrStack(a, 'orders-db', { targetRetentionDays: 2 });
    const billing = await v.createDrStack(b, 'billing-db', { targetRetentionDays: 2 });
    const stack = await v.createVaultStack(vault, {
      ProtectedClusters: `${A}:orders-db,${B}:billing-db`,
      RetentionDays: '1',
      MinimumCopiesPerCluster: '1',
    });

    const start = nextMidnight(w.clock.now());
    for (let day = 0; day < 4; day++) {
      await w.clock.advanceTo(start + day * DAY_MS + 3 * HOUR);
      for (const dr of [orders, billing]) {
        const run = await v.runDr(dr);
        expectStatus(run, 'Success');
        expect(stepsOf(run)).toContain('CheckCopy');
      }
      await w.clock.advanceTo(start + day * DAY_MS + 6 * HOUR);
      expectStatus(await v.runVault(vault, stack), 'Success');

      if (day === 0) {
        // The vault sees both shares and holds one copy of each, under its own key, owned by its stack.
        const copies = await v.vaultCopies(vault, stack);
        expect([...copies.keys()].map((arn) => arn.split(':')[4]).sort()).toEqual([A, B]);
        for (const copy of copies.values()) expect(copy.KmsKeyId).toBe(stack.keyArn);
        expect([...copies.values()].map((c) => c.DBClusterIdentifier).sort()).toEqual(['billing-db', 'orders-db']);
      }
    }

    const now = w.clock.now();
    const ageDays = (s: { SnapshotCreateTime?: Date }) => (now - s.SnapshotCreateTime!.getTime()) / DAY_MS;
    // Of 4 daily copies per cluster, the vault kept those of its 1-day retention, from both accounts.
    const copies = [...(await v.vaultCopies(vault, stack)).entries()];
    for (const account of [A, B]) {
      const mine = copies.filter(([arn]) => arn.split(':')[4] === account).map(([, c]) => c);
      expect(mine.length).toBeGreaterThanOrEqual(1);
      expect(mine.length).toBeLessThanOrEqual(2);
      expect(Math.max(...mine.map(ageDays))).toBeLessThan(1 + 0.5);
    }
    // Each DR stack pruned its own copies in the DR Region by its 2-day retention, and its source snapshots.
    let drCopies = 0;
    for (const dr of [orders, billing]) {
      const target = (await v.snapshots(dr.account, TARGET_REGION)).filter((s) => s.tags[SNAPSHOT_TAG.stackId] === dr.stackId);
      expect(target.length).toBeLessThan(4);
      expect(Math.max(...target.map(ageDays))).toBeLessThan(2 + 0.5);
      drCopies += target.length;
      const source = (await v.snapshots(dr.account, SOURCE_REGION)).filter((s) => s.tags[SNAPSHOT_TAG.stackId] === dr.stackId);
      expect(Math.max(...source.map(ageDays))).toBeLessThan(1 + 0.5);
    }
    // Pruning a DR copy ended its share: the vault sees exactly the DR copies that still exist.
    expect((await v.snapshots(vault, TARGET_REGION, 'shared')).length).toBe(drCopies);
  });

  it("fails the vault's run, naming the key policy, when a share's key does not admit the vault", async () => {
    const w = world();
    const v = new VaultWorld(w);
    const { a, vault } = await accounts(v);
    const orders = await v.createDrStack(a, 'orders-db', { targetKeyAdmitsVault: false });
    const stack = await v.createVaultStack(vault, { ProtectedClusters: `${A}:orders-db` });

    expectStatus(await v.runDr(orders), 'Success');
    const run = await v.runVault(vault, stack);

    expectStatus(run, 'Failed');
    expect(run.failedStep).toBe('CopyShares');
    expect(run.failureMessage).toMatch(/key policy must allow this account kms:CreateGrant and kms:DescribeKey/);
    expect(await v.vaultCopies(vault, stack)).toEqual(new Map());
  });

  it('waits for free copy slots, which shares from every protected account use up together', async () => {
    const w = world();
    const v = new VaultWorld(w);
    const { a, b, vault } = await accounts(v);
    const orders = await v.createDrStack(a, 'orders-db');
    const billing = await v.createDrStack(b, 'billing-db');
    const stack = await v.createVaultStack(vault, { ProtectedClusters: `${A}:orders-db,${B}:billing-db` });
    for (let n = 0; n < 3; n++) {
      await w.clock.advanceTo(w.clock.now() + HOUR);
      expectStatus(await v.runDr(orders), 'Success');
      expectStatus(await v.runDr(billing), 'Success');
    }
    // From now on a copy in the DR Region takes two hours, the vault's included.
    await w.moto.setNewSnapshotStatus('copy', { region: TARGET_REGION, status: 'copying', forSeconds: 2 * 3600, thenStatus: 'available' });

    const run = await v.runVault(vault, stack);

    expectStatus(run, 'Success');
    const first = run.timeline.find((entry) => entry.step === 'CopyShares')!;
    expect(first.outputs.Started).toHaveLength(5);
    expect(first.outputs.Waiting).toBe(true);
    expect(stepsOf(run)).toContain('WaitForCopySlot');
    const copies = await v.vaultCopies(vault, stack);
    expect(copies.size).toBe(6);
    expect(new Set([...copies.keys()].map((arn) => arn.split(':')[4]))).toEqual(new Set([A, B]));
  });
});

describe("the vault's copy-age watchdog", () => {
  let restoreEnv: () => void;
  afterEach(() => {
    restoreEnv?.();
    jest.restoreAllMocks();
  });

  it('publishes an age over the allowance, naming the cluster, once a protected account stops sharing', async () => {
    const w = world();
    const v = new VaultWorld(w);
    const { a, b, vault } = await accounts(v);
    const orders = await v.createDrStack(a, 'orders-db');
    const billing = await v.createDrStack(b, 'billing-db');
    // The check makes its clients as the Lambda does, from the environment: the vault account's, in moto.
    restoreEnv = useIsolatedAwsEnv(w.moto.endpoint);
    Object.assign(process.env, { AWS_ACCESS_KEY_ID: vault.credentials.accessKeyId, AWS_SECRET_ACCESS_KEY: vault.credentials.secretAccessKey });
    jest.spyOn(console, 'log').mockImplementation(() => undefined);
    const config = { region: TARGET_REGION, endpoint: w.moto.endpoint, credentials: vault.credentials };
    const { StackId } = await new CloudFormationClient(config).send(
      new CreateStackCommand({ StackName: 'aurora-dr-vault', TemplateBody: JSON.stringify({ Resources: { Topic: { Type: 'AWS::SNS::Topic' } } }) }),
    );
    const stack = await v.createVaultStack(vault, { ProtectedClusters: `${A}:orders-db,${B}:billing-db` }, StackId!);
    const allowed = allowedVaultCopyAgeHours({ ScheduleExpression: stack.parameters.ScheduleExpression, MaxCopyAgeHours: stack.parameters.MaxCopyAgeHours })!;
    expect(allowed).toBe(72); // daily at 06:00: a 24-hour gap, plus 48 hours to share and copy
    const input = { ProtectedClusters: stack.parameters.ProtectedClusters, VaultStackId: StackId! };

    const start = nextMidnight(w.clock.now());
    const oldest: number[] = [];
    for (let day = 0; day < 6; day++) {
      await w.clock.advanceTo(start + day * DAY_MS + 3 * HOUR);
      // The billing account stops sharing after its first copy.
      if (day === 1) billing.values.parameters.VaultAccountId = '';
      expectStatus(await v.runDr(orders), 'Success');
      expectStatus(await v.runDr(billing), 'Success');
      await w.clock.advanceTo(start + day * DAY_MS + 6 * HOUR);
      expectStatus(await v.runVault(vault, stack), 'Success');
      await w.clock.advanceTo(start + day * DAY_MS + 12 * HOUR);
      const ages = await checkVaultCopies(input, w.clock.now());
      expect(ages[`${A}:orders-db`]).toBeLessThan(7);
      oldest.push(Math.max(...Object.values(ages)));
      // Its newest copy is the one of day 0, made at 06:00.
      expect(ages[`${B}:billing-db`]).toBeGreaterThan(day * 24 + 5);
      expect(ages[`${B}:billing-db`]).toBeLessThanOrEqual(day * 24 + 6);
    }
    // Under the allowance while billing's last copy is under 72 hours old (6, 30, 54 h); over it from then on (78 h...).
    expect(oldest.map((age) => age > allowed)).toEqual([false, false, false, true, true, true]);
    // What the alarm reads: the vault's oldest newest copy, in moto's CloudWatch.
    const { Datapoints } = await new CloudWatchClient(config).send(
      new GetMetricStatisticsCommand({
        Namespace: VAULT_METRIC.namespace,
        MetricName: VAULT_METRIC.newestCopyAgeHours,
        Dimensions: [{ Name: VAULT_METRIC.stackDimension, Value: 'aurora-dr-vault' }],
        StartTime: new Date(start),
        EndTime: new Date(w.clock.now() + HOUR),
        Period: 60,
        Statistics: ['Maximum'],
      }),
    );
    const published = (Datapoints ?? []).sort((x, y) => x.Timestamp!.getTime() - y.Timestamp!.getTime()).map((d) => d.Maximum!);
    expect(published).toEqual(oldest);
  });
});

describe("a DR stack's preflight with VaultAccountId, against the protected account in moto", () => {
  const server = useTrustedResponseServer();
  let restoreEnv: () => void;
  afterEach(() => {
    restoreEnv?.();
    jest.restoreAllMocks();
  });

  async function preflight(account: Account, kmsTargetKey: string): Promise<{ Status: string; Reason?: string }> {
    restoreEnv = useIsolatedAwsEnv(world().moto.endpoint);
    Object.assign(process.env, { AWS_ACCESS_KEY_ID: account.credentials.accessKeyId, AWS_SECRET_ACCESS_KEY: account.credentials.secretAccessKey });
    jest.spyOn(console, 'log').mockImplementation(() => undefined);
    const endpoint = server.endpoint();
    const properties = { DBClusterIdentifier: 'orders-db', KMSTargetKey: kmsTargetKey, VaultAccountId: VAULT_ACCOUNT };
    await drPreflight.handler(makeEvent({ ResponseURL: endpoint.url, properties }), lambdaContext());
    return (await endpoint.reply).body as { Status: string; Reason?: string };
  }

  it('refuses the AWS managed aws/rds key at create, whose copies cannot be shared', async () => {
    const v = new VaultWorld(world());
    const a = await v.account(A);
    await v.createDrStack(a, 'orders-db');
    const reply = await preflight(a, 'alias/aws/rds');
    expect(reply.Status).toBe('FAILED');
    expect(reply.Reason).toMatch(new RegExp(`KMSTargetKey "alias/aws/rds" \\(arn:aws:kms:us-west-2:${A}:key/[^)]+\\) is AWS managed: copies under it cannot be shared with VaultAccountId ${VAULT_ACCOUNT}: use a customer managed key`));
  });

  it('refuses a target key whose policy does not admit the vault, and accepts one that does', async () => {
    const v = new VaultWorld(world());
    const a = await v.account(A);
    const admits = (await v.createDrStack(a, 'orders-db')).targetKeyArn;
    const ownOnly = await v.createKey(a, TARGET_REGION);
    const refused = await preflight(a, ownOnly);
    expect(refused.Status).toBe('FAILED');
    expect(refused.Reason).toContain(`its key policy does not let the vault account ${VAULT_ACCOUNT}'s IAM principals use kms:CreateGrant, kms:DescribeKey`);
    restoreEnv();
    expect((await preflight(a, admits)).Status).toBe('SUCCESS');
  });
});
