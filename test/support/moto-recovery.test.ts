/**
 * The emulator's CreateDBInstance refusals (test/support/moto_recovery.py)
 * count SDK calls, not HTTP attempts: an attempt the SDK sends again, with the
 * same amz-sdk-invocation-id, is refused again instead of using up the next
 * refusal, so a rehearsal sees each refusal at the look that made the call,
 * however busy the machine.
 */
import { CreateDBClusterCommand, CreateDBInstanceCommand, RDSClient } from '@aws-sdk/client-rds';
import { MOTO_CREDENTIALS } from './moto-server';
import { MotoClockServer, startMotoClockServer } from './moto-clock-server';

jest.setTimeout(60_000);

let moto: MotoClockServer;
beforeAll(async () => {
  moto = await startMotoClockServer();
});
afterAll(() => moto?.stop());

/** A client whose every call carries `invocation` as its SDK invocation id, as the SDK's own re-sends of one call do. */
function clientOf(invocation?: string): RDSClient {
  const rds = new RDSClient({ region: 'us-west-2', endpoint: moto.endpoint, credentials: MOTO_CREDENTIALS, maxAttempts: 1 });
  if (invocation) {
    rds.middlewareStack.add(
      (next) => async (args) => {
        (args.request as { headers: { [name: string]: string } }).headers['amz-sdk-invocation-id'] = invocation;
        return next(args);
      },
      { step: 'finalizeRequest', priority: 'low' },
    );
  }
  return rds;
}

const addWriter = (rds: RDSClient) =>
  rds.send(new CreateDBInstanceCommand({ DBInstanceIdentifier: 'orders-writer', DBClusterIdentifier: 'orders', Engine: 'aurora-postgresql', DBInstanceClass: 'db.r6g.large' }));

it('refuses a re-sent attempt of a refused call again, and the next call as the rule says', async () => {
  await clientOf().send(
    new CreateDBClusterCommand({ DBClusterIdentifier: 'orders', Engine: 'aurora-postgresql', MasterUsername: 'postgres', MasterUserPassword: 'not-a-secret-1' }),
  );
  const response = await fetch(`${moto.endpoint}/rehearsal-api/create-instance-failures`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ region: 'us-west-2', count: 1, code: 'InsufficientDBInstanceCapacity' }),
  });
  expect(response.ok).toBe(true);

  await expect(addWriter(clientOf('0a1b2c3d-first-call'))).rejects.toMatchObject({ name: 'InsufficientDBInstanceCapacityFault' });
  // The SDK sends the same call again: still refused, and the one refusal asked for is not used up twice.
  await expect(addWriter(clientOf('0a1b2c3d-first-call'))).rejects.toMatchObject({ name: 'InsufficientDBInstanceCapacityFault' });
  await expect(addWriter(clientOf('4e5f6a7b-next-call'))).resolves.toMatchObject({ DBInstance: { DBInstanceIdentifier: 'orders-writer' } });
});
