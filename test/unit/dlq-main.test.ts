/**
 * runDlq before and around the commands: help, where the region and the SQS endpoint come from, and the client
 * closed whatever happens. An HTTP endpoint that records each request and refuses it stands in for SQS.
 */
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { ListQueuesCommand } from '@aws-sdk/client-sqs';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { USAGE } from '../../src/cli/dlq/args.js';
import { runDlq } from '../../src/cli/dlq/main.js';
import { createCliSqsClient } from '../../src/cli/dlq/queue.js';

const DLQ_URL = 'http://127.0.0.1:1/000000000000/metagen-events-dlq';

/** An endpoint that answers every request with an SQS error, recording its headers and open connections. */
function refusingEndpoint() {
  const requests: IncomingHttpHeaders[] = [];
  let open = 0;
  const server: Server = createServer((request, response) => {
    requests.push(request.headers);
    request.resume();
    response.writeHead(400, { 'content-type': 'application/x-amz-json-1.0' });
    response.end(JSON.stringify({ __type: 'com.amazonaws.sqs#QueueDoesNotExist', message: 'no queue' }));
  });
  server.on('connection', (socket) => {
    open += 1;
    socket.on('close', () => {
      open -= 1;
    });
  });
  return {
    requests,
    open: () => open,
    url: () => `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    start: () => new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve)),
    stop: () => {
      server.closeAllConnections();
      server.close();
    },
  };
}

const sqsEndpoint = refusingEndpoint();
const otherEndpoint = refusingEndpoint();
beforeAll(async () => {
  await sqsEndpoint.start();
  await otherEndpoint.start();
});
afterAll(() => {
  sqsEndpoint.stop();
  otherEndpoint.stop();
});

beforeEach(() => {
  // The SDK reads its own settings from process.env: only credentials here; what runDlq decides comes from io.env.
  for (const name of [
    'AWS_REGION',
    'AWS_DEFAULT_REGION',
    'AWS_ENDPOINT_URL',
    'AWS_ENDPOINT_URL_SQS',
    'AWS_PROFILE',
  ])
    vi.stubEnv(name, undefined);
  vi.stubEnv('AWS_ACCESS_KEY_ID', 'test');
  vi.stubEnv('AWS_SECRET_ACCESS_KEY', 'test');
  vi.stubEnv('AWS_MAX_ATTEMPTS', '1');
  sqsEndpoint.requests.length = 0;
  otherEndpoint.requests.length = 0;
});
afterEach(() => vi.unstubAllEnvs());

async function dlq(argv: readonly string[], env: Record<string, string | undefined>) {
  const lines: string[] = [];
  const code = await runDlq(argv, { env, print: (line) => lines.push(line) });
  return { code, output: lines.join('\n') };
}

/** The region a request was signed for (its SigV4 credential scope). */
const signedRegion = (headers: IncomingHttpHeaders | undefined) =>
  /Credential=[^/]+\/\d{8}\/([^/]+)\/sqs\//.exec(String(headers?.authorization))?.[1];

describe('runDlq', () => {
  it.each([['--help'], ['-h']])('prints the usage for %s and calls nothing', async (flag) => {
    const { code, output } = await dlq(['redrive', flag], { AWS_ENDPOINT_URL_SQS: sqsEndpoint.url() });
    expect(code).toBe(0);
    expect(output).toBe(USAGE);
    expect(sqsEndpoint.requests).toEqual([]);
  });

  it('names a usage error above the usage, exit code 2', async () => {
    const { code, output } = await dlq(['purge'], {});
    expect(code).toBe(2);
    expect(output).toBe(`dlq: unknown command "purge"\n\n${USAGE}`);
    expect(USAGE).toMatch(/^Usage: npm run dlq -- <command> \[options\]/);
  });

  it('sends to AWS_ENDPOINT_URL_SQS rather than AWS_ENDPOINT_URL, and to --endpoint-url before both', async () => {
    const env = {
      DLQ_URL,
      AWS_REGION: 'eu-west-1',
      AWS_ENDPOINT_URL_SQS: sqsEndpoint.url(),
      AWS_ENDPOINT_URL: otherEndpoint.url(),
    };
    expect((await dlq(['summary'], env)).code).toBe(1);
    expect([sqsEndpoint.requests.length, otherEndpoint.requests.length]).toEqual([1, 0]);
    await dlq(['summary', '--endpoint-url', otherEndpoint.url()], env);
    expect([sqsEndpoint.requests.length, otherEndpoint.requests.length]).toEqual([1, 1]);
    await dlq(['summary'], { DLQ_URL, AWS_REGION: 'eu-west-1', AWS_ENDPOINT_URL: otherEndpoint.url() });
    expect(otherEndpoint.requests).toHaveLength(2);
  });

  it('reports what SQS answered, exit code 1', async () => {
    const { code, output } = await dlq(['summary'], {
      DLQ_URL,
      AWS_REGION: 'eu-west-1',
      AWS_ENDPOINT_URL_SQS: sqsEndpoint.url(),
    });
    expect(code).toBe(1);
    expect(output).toBe('dlq: QueueDoesNotExist: no queue');
  });

  it('signs for --region, then AWS_REGION, then AWS_DEFAULT_REGION, then the DLQ URL’s region', async () => {
    const base = { AWS_ENDPOINT_URL_SQS: sqsEndpoint.url() };
    const both = { ...base, DLQ_URL, AWS_REGION: 'eu-west-1', AWS_DEFAULT_REGION: 'us-east-1' };
    await dlq(['summary', '--region', 'ap-south-1'], both);
    await dlq(['summary'], both);
    await dlq(['summary'], { ...base, DLQ_URL, AWS_DEFAULT_REGION: 'us-east-1' });
    await dlq(['summary'], {
      ...base,
      DLQ_URL: 'https://sqs.eu-north-1.amazonaws.com/111111111111/metagen-events-dlq',
    });
    expect(sqsEndpoint.requests.map(signedRegion)).toEqual([
      'ap-south-1',
      'eu-west-1',
      'us-east-1',
      'eu-north-1',
    ]);
  });

  it('asks the AWS CLI for the stack’s queues in the configured region', async () => {
    const calls: string[][] = [];
    const code = await runDlq(['summary', '--stack', 'metagen'], {
      env: { AWS_REGION: 'eu-west-1', AWS_DEFAULT_REGION: 'us-east-1' },
      print: () => {},
      runCommand: async (file, args) => {
        calls.push([file, ...args]);
        throw new Error('aws: command not found');
      },
    });
    expect(code).toBe(1);
    expect(calls[0]?.slice(-2)).toEqual(['--region', 'eu-west-1']);
  });

  it('closes its connections before it returns', async () => {
    await dlq(['summary'], { DLQ_URL, AWS_REGION: 'eu-west-1', AWS_ENDPOINT_URL_SQS: sqsEndpoint.url() });
    await vi.waitFor(() => expect(sqsEndpoint.open()).toBe(0), { timeout: 500, interval: 10 });
  });
});

describe('createCliSqsClient', () => {
  it('sends to the endpoint in the region given, not to the host of the queue URL', async () => {
    vi.stubEnv('AWS_REGION', 'eu-west-1');
    const client = createCliSqsClient({ region: 'ap-south-1', endpoint: sqsEndpoint.url() });
    expect(await client.config.region()).toBe('ap-south-1');
    expect(client.config.useQueueUrlAsEndpoint).toBe(false);
    expect((await client.config.endpoint?.())?.port).toBe(Number(new URL(sqsEndpoint.url()).port));
    client.destroy();
  });

  it('gives up a connection after 5 s and a request after 30 s', async () => {
    const client = createCliSqsClient({ region: 'eu-west-1', endpoint: sqsEndpoint.url() });
    await client.send(new ListQueuesCommand({})).catch(() => {});
    // The Node handler reports its settings once a request has resolved them.
    const handler = client.config.requestHandler as { httpHandlerConfigs(): object };
    expect(handler.httpHandlerConfigs()).toMatchObject({
      connectionTimeout: 5000,
      requestTimeout: 30_000,
      throwOnRequestTimeout: true,
    });
    client.destroy();
  });
});
