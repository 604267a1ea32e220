import { dumpCfnYaml, loadCfnYaml, toYaml } from '../../../generator/shared/serialize';
import { CfnTemplate, getAtt, getAttList } from '../../../generator/shared/cfn';

describe('CloudFormation YAML with short-form intrinsics', () => {
  it.each([
    [{ Ref: 'Cluster' }, 'v: !Ref Cluster\n'],
    [{ Condition: 'HasEmail' }, 'v: !Condition HasEmail\n'],
    [{ 'Fn::GetAtt': ['Function', 'Arn'] }, 'v: !GetAtt Function.Arn\n'],
    [{ 'Fn::GetAtt': ['Cluster', 'Endpoint.Address'] }, 'v: !GetAtt Cluster.Endpoint.Address\n'],
    [{ 'Fn::Sub': 'arn:${AWS::Partition}:x' }, 'v: !Sub arn:${AWS::Partition}:x\n'],
    [{ 'Fn::Sub': ['${A}', { A: { Ref: 'B' } }] }, 'v: !Sub\n- ${A}\n- A: !Ref B\n'],
    [{ 'Fn::If': ['C', 'a', { Ref: 'AWS::NoValue' }] }, 'v: !If\n- C\n- a\n- !Ref AWS::NoValue\n'],
    [{ 'Fn::Not': [{ 'Fn::Equals': [{ Ref: 'E' }, ''] }] }, "v: !Not\n- !Equals\n  - !Ref E\n  - ''\n"],
  ])('writes %j short, with no trailing space, and reads it back', (value, text) => {
    expect(dumpCfnYaml({ v: value })).toBe(text);
    expect(loadCfnYaml(text)).toEqual({ v: value });
  });

  it('leaves mappings that merely contain such a key as they are', () => {
    const statement = { Effect: 'Allow', Condition: { StringEquals: { 'aws:x': 'y' } } };
    const resource = { Type: 'AWS::SNS::Subscription', Condition: 'HasEmail' };
    expect(dumpCfnYaml({ statement, resource })).not.toContain('!');
    expect(loadCfnYaml(dumpCfnYaml({ statement, resource }))).toEqual({ statement, resource });
  });

  it('writes a getAttList as a list, which cfn-guard reads as the resource it names, and the JSON as any Fn::GetAtt', () => {
    const value = getAttList('Rule', 'Arn');
    expect(dumpCfnYaml({ v: value })).toBe('v: !GetAtt\n- Rule\n- Arn\n');
    expect(loadCfnYaml(dumpCfnYaml({ v: value }))).toEqual({ v: getAtt('Rule', 'Arn') });
    expect(JSON.stringify(value)).toBe(JSON.stringify(getAtt('Rule', 'Arn')));
  });

  it('reads the forms people write by hand: !GetAtt as a list, tags on any node kind', () => {
    expect(loadCfnYaml('a: !GetAtt [Function, Arn]\nb: !Join [",", [x, y]]\nc: !Transform {Name: X}\n')).toEqual({
      a: { 'Fn::GetAtt': ['Function', 'Arn'] },
      b: { 'Fn::Join': [',', ['x', 'y']] },
      c: { 'Fn::Transform': { Name: 'X' } },
    });
  });
});

describe('the template file', () => {
  it('is indented one space a level, as the runbooks inside it are, and reads back as the same template', () => {
    const template = {
      AWSTemplateFormatVersion: '2010-09-09',
      Resources: { Topic: { Type: 'AWS::SNS::Topic', Properties: { Tags: [{ Key: 'a', Value: { Ref: 'B' } }] } } },
    } as unknown as CfnTemplate;
    const text = toYaml(template);
    expect(text).toContain('\nResources:\n Topic:\n  Type: AWS::SNS::Topic\n  Properties:\n   Tags:\n   -\n    Key: a\n    Value: !Ref B\n');
    expect(loadCfnYaml(text)).toEqual(template);
  });
});
