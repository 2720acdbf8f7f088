// The worker's containers: the environment Lambda and the runner give it, its handler loaded as Lambda does.
import { type Connection, LOCAL_CREDENTIALS } from './endpoints.js';
import { LOCAL_WORKER_DEFAULTS } from './fault-profiles.js';
import type { LambdaHandler } from './lambda-invocation.js';

export const FUNCTION_NAME = 'datazone-metagen-worker-local-worker';

/** What the Lambda runtime sets in a function's environment (Powertools reads the initialization type). */
export function lambdaRuntimeEnv(functionName: string, region: string): Record<string, string> {
  return {
    AWS_REGION: region,
    AWS_DEFAULT_REGION: region,
    AWS_EXECUTION_ENV: 'AWS_Lambda_nodejs24.x',
    AWS_LAMBDA_FUNCTION_NAME: functionName,
    AWS_LAMBDA_FUNCTION_VERSION: '$LATEST',
    AWS_LAMBDA_FUNCTION_MEMORY_SIZE: '512',
    AWS_LAMBDA_INITIALIZATION_TYPE: 'on-demand',
    AWS_LAMBDA_LOG_GROUP_NAME: `/aws/lambda/${functionName}`,
  };
}

/** Loads one container's handler with the worker's environment already set. */
export type HandlerLoader = (
  env: Readonly<Record<string, string>>,
  container: number,
) => Promise<LambdaHandler>;

/**
 * As Lambda does: set the environment, then import the handler module (config and clients are built at import).
 * Each container imports its own module instance.
 */
export const importHandler: HandlerLoader = async (env, container) => {
  Object.assign(process.env, env);
  const module = (await import(`../../../src/functions/worker.js?container=${container}`)) as {
    handler: LambdaHandler;
  };
  return module.handler;
};

/**
 * Loads a container whose worker reads `now` as its clock: the worker takes `Date.now` when its module is
 * evaluated, so it is swapped for the import only. Local runs give it the endpoints' virtual clock, so that the
 * worker and DataZone agree on when a run ended and when its next attempt is due. The clock only jumps between
 * invocations, so within one the worker's deadline still follows real time.
 */
export async function withWorkerClock(
  now: () => number,
  load: () => Promise<LambdaHandler>,
): Promise<LambdaHandler> {
  const realNow = Date.now;
  Date.now = now;
  try {
    return await load();
  } finally {
    Date.now = realNow;
  }
}

/**
 * The worker's environment for a run: LOCAL_WORKER_DEFAULTS, then the caller's settings, then what Lambda
 * sets, the dead-letter queue and, for the local world, its endpoints and credentials.
 */
export function workerEnvironment(
  connection: Connection,
  settings: Readonly<Record<string, string>> = {},
): Record<string, string> {
  const { local } = connection;
  return {
    ...LOCAL_WORKER_DEFAULTS,
    ...settings,
    ...lambdaRuntimeEnv(FUNCTION_NAME, connection.workerRegion),
    DEAD_LETTER_QUEUE_URL: connection.deadLetterQueueUrl,
    ...(local
      ? {
          AWS_ACCESS_KEY_ID: LOCAL_CREDENTIALS.accessKeyId,
          AWS_SECRET_ACCESS_KEY: LOCAL_CREDENTIALS.secretAccessKey,
          AWS_ENDPOINT_URL_DATAZONE: local.dataZone.url,
          AWS_ENDPOINT_URL_SQS: local.sqs.url,
        }
      : {}),
  };
}
