import { SendMessageBatchCommand, SendMessageCommand } from '@aws-sdk/client-sqs';
import { describe, expect, it } from 'vitest';
import { failure, url, useLocalSqs } from './support.js';

describe('local SQS: faults', () => {
  const local = useLocalSqs();

  it('makes sends to a queue fail on demand (a DLQ that rejects sends)', async () => {
    local.server.failSends('work-dlq', 'KmsAccessDenied');
    const kms = await failure(() =>
      local.sqs.send(new SendMessageCommand({ QueueUrl: url('work-dlq'), MessageBody: 'x' })),
    );
    expect(kms.name).toBe('KmsAccessDenied');
    expect(kms.Code).toBe('KMS.AccessDeniedException');
    const batch = await failure(() =>
      local.sqs.send(
        new SendMessageBatchCommand({ QueueUrl: url('work-dlq'), Entries: [{ Id: 'a', MessageBody: 'x' }] }),
      ),
    );
    expect(batch.name).toBe('KmsAccessDenied');
    // Other queues and other operations are unaffected.
    await local.sqs.send(new SendMessageCommand({ QueueUrl: url('work'), MessageBody: 'x' }));
    await local.receive('work-dlq');

    local.server.setFaults([{ queue: 'work-dlq', error: 'InternalError', times: 1 }]);
    const internal = await failure(() =>
      local.sqs.send(new SendMessageCommand({ QueueUrl: url('work-dlq'), MessageBody: 'x' })),
    );
    expect(internal.name).toBe('InternalError');
    expect(internal.$fault).toBe('server');
    expect(internal.$metadata?.httpStatusCode).toBe(500);
    await local.sqs.send(new SendMessageCommand({ QueueUrl: url('work-dlq'), MessageBody: 'x' }));
    expect(local.server.peek('work-dlq')).toHaveLength(1);
  });
});
