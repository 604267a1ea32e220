/**
 * `make rehearse` shows what the issue asks of it: a copy run, a drill with
 * the honest RPO, and a restore with the source Region down whose cluster is
 * printed beside the source attribute by attribute, with how to log in.
 */
import { MotoClockServer, startMotoClockServer } from '../../support/moto-clock-server';
import { fidelityRows, rehearse } from '../rehearse-cli';
import { SOURCES } from '../recovery/configured-source';

jest.setTimeout(120_000);

let moto: MotoClockServer;
beforeAll(async () => {
  moto = await startMotoClockServer();
});
afterAll(() => moto?.stop());

describe('make rehearse', () => {
  it('ends with a faithful restore of the configured source, its fidelity table, the login secret and the worst-case RPO', async () => {
    const lines: string[] = [];
    expect(await rehearse(moto, false, (line) => lines.push(line))).toBe(true);
    const text = lines.join('\n');
    expect(text).toMatch(/^Worst-case RPO: 38 h /m);
    expect(text).toMatch(/^Copy age at drill: [\d.]+ h \(how old the restored copy was; not the RPO\)/m);
    expect(text).toContain('every call to us-east-1 fails from here on');
    // One row per attribute of the source, each the same on the restore.
    const source = SOURCES[0];
    for (const [name, value] of Object.entries(source.clusterParameters)) {
      expect(text).toMatch(new RegExp(`^  cluster parameter ${name.replace('.', '\\.')} +${value} +${value} +same$`, 'm'));
    }
    expect(text).toMatch(/^ {2}port +5433 +5433 +same$/m);
    expect(text).toMatch(/^ {2}writerClass +db\.r6g\.xlarge +db\.r6g\.xlarge +same$/m);
    expect(text).not.toContain('DIFFERENT');
    expect(text).toMatch(/^ {2}aws secretsmanager get-secret-value --region us-west-2 --secret-id 'arn:aws:secretsmanager:us-west-2:\d{12}:secret:rds!cluster-[^']+'$/m);
    expect(text).toContain('Every attribute is as the source had it.');
  });
});

describe('the fidelity table', () => {
  it('marks each attribute, tag and parameter that differs, is missing or is extra', () => {
    const source = {
      port: 5433,
      tags: { team: 'payments' },
      clusterParameters: { 'rds.force_ssl': '1' },
    } as never;
    const restored = {
      port: 5432,
      tags: {},
      clusterParameters: { 'rds.force_ssl': '1', work_mem: '65536' },
    } as never;
    expect(fidelityRows(source, restored)).toEqual([
      ['port', '5433', '5432', false],
      ['tag team', 'payments', '-', false],
      ['cluster parameter rds.force_ssl', '1', '1', true],
      ['cluster parameter work_mem', '-', '65536', false],
    ]);
  });
});
