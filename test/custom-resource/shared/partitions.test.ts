import { partitionOf, PARTITIONS, regionPairProblem } from '../../../custom-resource/shared/partitions';

describe('partitionOf', () => {
  it.each([
    ['us-east-1', 'aws'],
    ['ap-southeast-5', 'aws'],
    ['mx-central-1', 'aws'],
    ['us-gov-west-1', 'aws-us-gov'],
    ['cn-north-1', 'aws-cn'],
    ['cn-northwest-1', 'aws-cn'],
    ['us-iso-east-1', 'aws-iso'],
    ['us-isob-east-1', 'aws-iso-b'],
    ['eu-isoe-west-1', 'aws-iso-e'],
    ['us-isof-south-1', 'aws-iso-f'],
    ['eusc-de-east-1', 'aws-eusc'],
  ])('puts %s in %s', (region, partition) => {
    expect(partitionOf(region)).toBe(partition);
  });

  it('knows every partition once', () => {
    expect(new Set(PARTITIONS).size).toBe(8);
  });
});

describe('regionPairProblem', () => {
  it.each([
    ['us-east-1', 'us-west-2'],
    ['eu-west-1', 'eu-central-1'],
    ['us-gov-west-1', 'us-gov-east-1'],
    ['us-iso-east-1', 'us-iso-west-1'],
    ['us-isof-south-1', 'us-isof-east-1'],
  ])('accepts a copy from %s to %s', (source, target) => {
    expect(regionPairProblem(source, target)).toBeUndefined();
  });

  it.each([
    ['cn-north-1', 'cn-northwest-1'],
    ['us-east-1', 'cn-north-1'],
    ['cn-northwest-1', 'us-west-2'],
  ])('refuses %s to %s, naming China and both Regions', (source, target) => {
    const problem = regionPairProblem(source, target)!;
    expect(problem).toMatch(/China/);
    expect(problem).toContain(`"${source}"`);
    expect(problem).toContain(`"${target}"`);
  });

  it.each([
    ['us-east-1', 'us-gov-west-1', 'aws', 'aws-us-gov'],
    ['us-gov-east-1', 'us-iso-east-1', 'aws-us-gov', 'aws-iso'],
    ['us-iso-east-1', 'us-isob-east-1', 'aws-iso', 'aws-iso-b'],
    ['eu-west-1', 'eusc-de-east-1', 'aws', 'aws-eusc'],
  ])('refuses %s to %s across partitions, naming %s and %s', (source, target, from, to) => {
    const problem = regionPairProblem(source, target)!;
    expect(problem).toContain(`partition ${from}`);
    expect(problem).toContain(to);
  });

  it.each([
    ['eusc-de-east-1', 'eusc-de-west-1', 'aws-eusc'],
    ['eu-isoe-west-1', 'eu-isoe-east-1', 'aws-iso-e'],
  ])('refuses %s to %s: %s has one Region', (source, target, partition) => {
    expect(regionPairProblem(source, target)).toMatch(new RegExp(`${partition} has one Region`));
  });
});
