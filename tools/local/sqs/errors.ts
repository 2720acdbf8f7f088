// The errors the local SQS answers with, as the JSON protocol with query-compatible errors sends them.
/**
 * How an error goes on the wire: HTTP status, `__type` (the model's shape name), and the query-protocol code and
 * fault sent in `x-amzn-query-error`, which the SDK (awsQueryCompatible) prefers to name the error.
 */
export interface SqsErrorSpec {
  status: number;
  shape: string;
  queryCode: string;
  fault: 'Sender' | 'Receiver';
  message: string;
}

const err = (status: number, shape: string, queryCode: string, message: string): SqsErrorSpec => ({
  status,
  shape,
  queryCode,
  fault: status >= 500 ? 'Receiver' : 'Sender',
  message,
});

/** The errors this server produces, with the statuses and query codes of the SQS model. */
const SQS_ERRORS = {
  QueueDoesNotExist: err(
    400,
    'QueueDoesNotExist',
    'AWS.SimpleQueueService.NonExistentQueue',
    'The specified queue does not exist.',
  ),
  ReceiptHandleIsInvalid: err(
    404,
    'ReceiptHandleIsInvalid',
    'ReceiptHandleIsInvalid',
    'The input receipt handle is not a valid receipt handle.',
  ),
  MessageNotInflight: err(
    400,
    'MessageNotInflight',
    'AWS.SimpleQueueService.MessageNotInflight',
    'The message referred to is not in flight.',
  ),
  ResourceNotFoundException: err(
    404,
    'ResourceNotFoundException',
    'ResourceNotFoundException',
    "One or more specified resources don't exist.",
  ),
  InvalidAddress: err(404, 'InvalidAddress', 'InvalidAddress', 'The address is not valid for this endpoint.'),
  InvalidAttributeName: err(400, 'InvalidAttributeName', 'InvalidAttributeName', 'Unknown attribute.'),
  InvalidMessageContents: err(
    400,
    'InvalidMessageContents',
    'InvalidMessageContents',
    'The message contains characters outside the allowed set.',
  ),
  EmptyBatchRequest: err(
    400,
    'EmptyBatchRequest',
    'AWS.SimpleQueueService.EmptyBatchRequest',
    'The batch request does not contain any entries.',
  ),
  TooManyEntriesInBatchRequest: err(
    400,
    'TooManyEntriesInBatchRequest',
    'AWS.SimpleQueueService.TooManyEntriesInBatchRequest',
    'The batch request contains more entries than permissible.',
  ),
  BatchEntryIdsNotDistinct: err(
    400,
    'BatchEntryIdsNotDistinct',
    'AWS.SimpleQueueService.BatchEntryIdsNotDistinct',
    'Two or more batch entries in the request have the same Id.',
  ),
  InvalidBatchEntryId: err(
    400,
    'InvalidBatchEntryId',
    'AWS.SimpleQueueService.InvalidBatchEntryId',
    'The Id of a batch entry in a batch request does not abide by the specification.',
  ),
  BatchRequestTooLong: err(
    400,
    'BatchRequestTooLong',
    'AWS.SimpleQueueService.BatchRequestTooLong',
    'The length of all the messages put together is more than the limit.',
  ),
  // Not modelled as shapes: the SDK names them after the query code (InvalidParameterValue, MissingParameter...).
  InvalidParameterValue: err(
    400,
    'InvalidParameterValue',
    'InvalidParameterValue',
    'Invalid parameter value.',
  ),
  MissingParameter: err(400, 'MissingParameter', 'MissingParameter', 'A required parameter is missing.'),
  UnknownOperation: err(400, 'UnknownOperationException', 'UnknownOperationException', 'Unknown operation.'),
  SerializationException: err(
    400,
    'SerializationException',
    'SerializationException',
    'Malformed request body.',
  ),
  // For fault injection.
  InternalError: err(
    500,
    'InternalError',
    'InternalError',
    'We encountered an internal error. Please try again.',
  ),
  ServiceUnavailable: err(
    503,
    'ServiceUnavailable',
    'ServiceUnavailable',
    'The request has failed due to a temporary failure of the server.',
  ),
  KmsAccessDenied: err(
    400,
    'KmsAccessDenied',
    'KMS.AccessDeniedException',
    'The ciphertext refers to a customer master key that does not exist, does not exist in this region, or you are not allowed to access.',
  ),
  RequestThrottled: err(403, 'RequestThrottled', 'RequestThrottled', 'Rate exceeded.'),
} satisfies Record<string, SqsErrorSpec>;

export type SqsErrorName = keyof typeof SQS_ERRORS;

export class SqsError extends Error {
  readonly spec: SqsErrorSpec;
  constructor(spec: SqsErrorName | SqsErrorSpec, message?: string) {
    const s = typeof spec === 'string' ? SQS_ERRORS[spec] : spec;
    super(message ?? s.message);
    this.spec = s;
  }
}
