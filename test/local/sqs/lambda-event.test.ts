import { describe, expect, it } from 'vitest';
import { useLocalSqs } from './support.js';

describe('local SQS: the Lambda event source mapping', () => {
  const local = useLocalSqs();

  it('receives like the Lambda event source mapping and builds the SQS event it would invoke with', async () => {
    local.server.send('work', '{"a":1}');
    local.server.send('work', '{"a":2}');
    const event = local.server.receiveLambdaEvent('work', { batchSize: 10 });
    expect(event.Records).toHaveLength(2);
    expect(event.Records[0]).toMatchObject({
      body: '{"a":1}',
      eventSource: 'aws:sqs',
      eventSourceARN: local.server.queueArn('work'),
      awsRegion: 'eu-west-1',
      attributes: { ApproximateReceiveCount: '1' },
    });
    // Received: in flight for the queue's visibility timeout, as after a ReceiveMessage.
    expect(local.server.peek('work')).toMatchObject([
      { inFlight: true, receiveCount: 1, visibleAt: local.clock.now() + 30_000 },
      { inFlight: true, receiveCount: 1, visibleAt: local.clock.now() + 30_000 },
    ]);
    expect(local.server.receiveLambdaEvent('work').Records).toEqual([]);
  });
});
