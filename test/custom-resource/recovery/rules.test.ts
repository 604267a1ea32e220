import type { DBClusterSnapshot, Tag } from '@aws-sdk/client-rds';
import { COPY_TAG } from '../../../custom-resource/shared/captured-config';
import {
  checkNetwork,
  checkRecoveryParameters,
  copiesNote,
  keyTarget,
  newestAvailable,
  securityGroupIds,
  unrestorableProblem,
} from '../../../custom-resource/recovery/rules';
import { RecoveryPreflightProperties } from '../../../custom-resource/recovery/contract';

const SOURCE_STACK = 'arn:aws:cloudformation:us-east-1:111122223333:stack/orders-dr/6c1f2a10-0a1b-11f1-9f6b-0a1b2c3d4e5f';

const good = (changes: Partial<RecoveryPreflightProperties> = {}): RecoveryPreflightProperties => ({
  DBClusterIdentifier: 'orders-db',
  SourceStackId: SOURCE_STACK,
  KMSTargetKey: 'alias/dr',
  DBSubnetGroupName: 'dr-subnets',
  VpcSecurityGroupIds: 'sg-0123456789abcdef0',
  DrillInstanceClass: 'db.t4g.medium',
  DrillScheduleExpression: '',
  SourceScheduleExpression: 'cron(0 3 * * ? *)',
  CopyTimeoutHours: '12',
  MaxCopyAgeHours: '0',
  StackRegion: 'us-west-2',
  ...changes,
});

describe('checkRecoveryParameters', () => {
  it.each<[string, Partial<RecoveryPreflightProperties>]>([
    ['the defaults', {}],
    ['a weekly drill', { DrillScheduleExpression: 'cron(0 5 ? * SUN *)' }],
    ['a key ARN of this Region', { KMSTargetKey: 'arn:aws:kms:us-west-2:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab' }],
    ['a GovCloud pair', { SourceStackId: SOURCE_STACK.replace('aws:cloudformation:us-east-1', 'aws-us-gov:cloudformation:us-gov-west-1'), StackRegion: 'us-gov-east-1' }],
  ])('accepts %s', (_, changes) => {
    expect(checkRecoveryParameters(good(changes))).toEqual([]);
  });

  it.each<[string, Partial<RecoveryPreflightProperties>, string]>([
    [
      'a source stack of this very Region',
      { StackRegion: 'us-east-1' },
      `SourceStackId "${SOURCE_STACK}" is in this Region: deploy this stack in the source stack's TargetRegion`,
    ],
    [
      'a key ARN of another Region',
      { KMSTargetKey: 'arn:aws:kms:us-east-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab' },
      'KMSTargetKey "arn:aws:kms:us-east-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab" is in us-east-1: use the copies\' key, in us-west-2',
    ],
    [
      'an empty source schedule (only the drill schedule may be empty: the source one sets the copy-age alarm)',
      { SourceScheduleExpression: '' },
      'SourceScheduleExpression "" must be rate(N minutes|hours|days) or cron(minutes hours day-of-month month day-of-week year) with ? in one day field',
    ],
    [
      'a drill schedule with both day fields set',
      { DrillScheduleExpression: 'cron(0 5 * * SUN *)' },
      'DrillScheduleExpression "cron(0 5 * * SUN *)" must be rate(N minutes|hours|days) or cron(minutes hours day-of-month month day-of-week year) with ? in one day field',
    ],
  ])('rejects must be rate(N minutes|hours|days) or cron(minutes hours day-of-month month day-of-week year) with ? in one day field', (_, changes, problem) => {
    expect(checkRecoveryParameters(good(changes))).toEqual([problem]);
  });

  it('checks the key against this Region, the one the copies are in', () => {
    expect(keyTarget(good())).toEqual({ KMSTargetKey: 'alias/dr', TargetRegion: 'us-west-2' });
  });

  it('reads security group ids from a comma list, ignoring blanks', () => {
    expect(securityGroupIds(' sg-1, ,sg-2,')).toEqual(['sg-1', 'sg-2']);
  });
});

describe('checkNetwork', () => {
  const subnetGroup = { VpcId: 'vpc-a' };
  it.each<[string, string, { GroupId: string; VpcId: string }[], string[]]>([
    ['groups of the subnet group\'s VPC', 'sg-1,sg-2', [{ GroupId: 'sg-1', VpcId: 'vpc-a' }, { GroupId: 'sg-2', VpcId: 'vpc-a' }], []],
    [
      'a group of another VPC',
      'sg-1,sg-2',
      [{ GroupId: 'sg-1', VpcId: 'vpc-a' }, { GroupId: 'sg-2', VpcId: 'vpc-b' }],
      ['VpcSecurityGroupIds "sg-2" is in vpc-b, the subnet group in vpc-a: use groups of vpc-a'],
    ],
    [
      'a group that does not exist',
      'sg-9',
      [],
      ['VpcSecurityGroupIds "sg-9" was not found in us-west-2: use groups of VPC vpc-a here'],
    ],
  ])('judges %s', (_, ids, groups, problems) => {
    expect(checkNetwork(subnetGroup, groups, good({ VpcSecurityGroupIds: ids }))).toEqual(problems);
  });
});

describe('the copies', () => {
  const copy = (id: string, status: string, day: number): DBClusterSnapshot => ({
    DBClusterSnapshotIdentifier: id,
    Status: status,
    SnapshotCreateTime: new Date(Date.UTC(2026, 11, day, 3)),
  });

  it('takes the newest available copy, not a newer one still copying', () => {
    const copies = [copy('old', 'available', 1), copy('new', 'available', 3), copy('landing', 'copying', 4)];
    expect(newestAvailable(copies)?.DBClusterSnapshotIdentifier).toBe('new');
  });

  it("orders copies by their source snapshot's time (the copy's tag), not by when each copy was made", () => {
    const sourceTaken = (day: number): Tag[] => [{ Key: COPY_TAG.sourceCreatedAt, Value: new Date(Date.UTC(2026, 11, day, 3)).toISOString() }];
    // A late copy of an older snapshot (a re-run) is not the newest recovery point.
    const copies = [
      { ...copy('older-snapshot-copied-late', 'available', 5), TagList: sourceTaken(2) },
      { ...copy('newer-snapshot', 'available', 4), TagList: sourceTaken(3) },
    ];
    expect(newestAvailable(copies)?.DBClusterSnapshotIdentifier).toBe('newer-snapshot');
  });

  it('has no newest copy when none is available yet', () => {
    expect(newestAvailable([copy('landing', 'copying', 4)])).toBeUndefined();
  });

  it('says how many copies there are and which one a restore would use', () => {
    const copies = [copy('old', 'available', 1), copy('new', 'available', 3)];
    expect(copiesNote(copies, copies[1], good())).toBe('2 copies; newest available: new');
  });

  it('says plainly that restores fail until the first copy lands', () => {
    expect(copiesNote([copy('landing', 'copying', 4)], undefined, good())).toBe(
      `No available copy of orders-db by ${SOURCE_STACK} here yet (1 in progress): restores and drills fail until one lands`,
    );
  });
});

describe('what the stack cannot restore', () => {
  it.each([
    ['provisioned', undefined],
    [undefined, undefined],
    ['serverless', 'Copy c1 is Aurora Serverless v1 (EngineMode serverless), which takes no writer instance'],
  ])('a copy of engine mode %p: %p', (mode, problem) => {
    const found = unrestorableProblem({ DBClusterSnapshotIdentifier: 'c1', EngineMode: mode });
    if (problem) expect(found).toContain(problem);
    else expect(found).toBeUndefined();
  });
});
