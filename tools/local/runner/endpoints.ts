// Where a run happens (local world or real endpoints): the runner's SQS client, the queues and the region.
import { GetQueueAttributesCommand, SQSClient } from '@aws-sdk/client-sqs';
import type { LocalWorld } from './world.js';

/** Real (or separately started) endpoints: nothing is started, time is real. */
export interface ExternalEndpoints {
  readonly kind: 'external';
  readonly sourceQueueUrl: string;
  readonly deadLetterQueueUrl: string;
  /** Default: AWS_REGION, else the region of the source queue's ARN. */
  readonly region?: string;
  /** For the runner's own SQS client; default: the SDK's environment (AWS_ENDPOINT_URL_SQS, credentials). */
  readonly sqsEndpoint?: string;
  readonly credentials?: { readonly accessKeyId: string; readonly secretAccessKey: string };
}

/** The runner's view of the endpoints for one run. Destroy `sqs` when done. */
export interface Connection {
  /** Set when the endpoints are the local world. */
  readonly local?: LocalWorld;
  /** The runner's own client (not the worker's). */
  readonly sqs: SQSClient;
  readonly sourceQueueUrl: string;
  readonly deadLetterQueueUrl: string;
  readonly queueArn: string;
  /** The region in the source queue's ARN: the records' awsRegion. */
  readonly queueRegion: string;
  /** The worker's AWS_REGION: the endpoints' region, else the queue's. */
  readonly workerRegion: string;
}

export const LOCAL_CREDENTIALS = { accessKeyId: 'local', secretAccessKey: 'local' };

export async function connect(endpoints: LocalWorld | ExternalEndpoints): Promise<Connection> {
  if (endpoints.kind === 'local') {
    const local = endpoints;
    const queueArn = local.sqs.queueArn(local.sourceQueue);
    const queueRegion = queueArn.split(':')[3] ?? '';
    return {
      local,
      sqs: new SQSClient({
        endpoint: local.sqs.url,
        region: local.sqs.region,
        credentials: LOCAL_CREDENTIALS,
        useQueueUrlAsEndpoint: false,
      }),
      sourceQueueUrl: local.sqs.queueUrl(local.sourceQueue),
      deadLetterQueueUrl: local.sqs.queueUrl(local.deadLetterQueue),
      queueArn,
      queueRegion,
      workerRegion: local.sqs.region,
    };
  }
  const region =
    endpoints.region ??
    process.env.AWS_REGION ??
    /^sqs\.([a-z0-9-]+)\.amazonaws\.com/.exec(new URL(endpoints.sourceQueueUrl).host)?.[1];
  const sqs = externalClient(endpoints, region);
  try {
    const queueArn = await queueArnOf(sqs, endpoints.sourceQueueUrl);
    const queueRegion = queueArn.split(':')[3] ?? '';
    return {
      sqs,
      sourceQueueUrl: endpoints.sourceQueueUrl,
      deadLetterQueueUrl: endpoints.deadLetterQueueUrl,
      queueArn,
      queueRegion,
      workerRegion: region ?? queueRegion,
    };
  } catch (error) {
    sqs.destroy();
    throw error;
  }
}

function externalClient(endpoints: ExternalEndpoints, region: string | undefined): SQSClient {
  return new SQSClient({
    useQueueUrlAsEndpoint: false,
    ...(region === undefined ? {} : { region }),
    ...(endpoints.sqsEndpoint === undefined ? {} : { endpoint: endpoints.sqsEndpoint }),
    ...(endpoints.credentials === undefined ? {} : { credentials: { ...endpoints.credentials } }),
  });
}

async function queueArnOf(sqs: SQSClient, queueUrl: string): Promise<string> {
  const out = await sqs.send(
    new GetQueueAttributesCommand({ QueueUrl: queueUrl, AttributeNames: ['QueueArn'] }),
  );
  const arn = out.Attributes?.QueueArn;
  if (arn === undefined) throw new Error(`GetQueueAttributes(${queueUrl}) returned no QueueArn`);
  return arn;
}
