/** A Lambda context for invoking the handler outside Lambda, with a fresh request id and deadline each time. */
import type { Context } from 'aws-lambda';
import { FUNCTION_NAME } from './fixtures.js';

let invocation = 0;

export function lambdaContext(timeoutMs = 60_000): Context {
  const end = Date.now() + timeoutMs;
  invocation += 1;
  return {
    callbackWaitsForEmptyEventLoop: false,
    functionName: FUNCTION_NAME,
    functionVersion: '$LATEST',
    invokedFunctionArn: 'arn:aws:lambda:eu-west-1:000000000000:function:datazone-metagen-worker-bench-worker',
    memoryLimitInMB: '512',
    awsRequestId: `00000000-0000-4000-a000-${String(invocation).padStart(12, '0')}`,
    logGroupName: '/aws/lambda/datazone-metagen-worker-bench-worker',
    logStreamName: '2026/11/25/[$LATEST]bench',
    getRemainingTimeInMillis: () => Math.max(0, end - Date.now()),
    done: () => undefined,
    fail: () => undefined,
    succeed: () => undefined,
  };
}
