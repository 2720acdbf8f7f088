/** Dead-letter attributes are valid by construction, whatever the worker was told or the service answered. */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  ATTRIBUTE_MAX_CODE_POINTS,
  DEAD_LETTER_ATTRIBUTES_MAX_BYTES,
  deadLetterAttributes,
  minimalDeadLetterAttributes,
} from '../../src/queues/dead-letter-attributes.js';

const XML_CHARS = /^[\t\n\r\u0020-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]*$/u;
/** SQS's limit on the number of attributes a message carries. */
const SQS_MAX_ATTRIBUTES = 10;
const FAILED_AT = new Date('2026-11-30T10:00:00.000Z');

/** Any UTF-16 string, lone surrogates and control characters included. */
const anyText = fc.string({ unit: 'binary', maxLength: 3000 });
const anyOptionalText = fc.option(anyText, { nil: undefined });

function sizeOf(attributes: Record<string, string>): number {
  return Object.entries(attributes).reduce(
    (bytes, [name, value]) =>
      bytes + Buffer.byteLength(name) + Buffer.byteLength('String') + Buffer.byteLength(value),
    0,
  );
}

describe('deadLetterAttributes', () => {
  it('gives only non-empty XML-valid values, at most ten, within the byte budget, for any input', () => {
    fc.assert(
      fc.property(
        anyText,
        anyText,
        anyText,
        anyOptionalText,
        anyOptionalText,
        anyOptionalText,
        fc.option(fc.nat(), { nil: undefined }),
        (name, message, messageId, queueArn, detailType, token, receiveCount) => {
          const attributes = deadLetterAttributes({
            errorName: name,
            errorMessage: message,
            clientToken: token,
            sourceMessageId: messageId,
            sourceQueueArn: queueArn,
            detailType,
            receiveCount,
            failedAt: FAILED_AT,
          });
          expect(Object.keys(attributes).length).toBeLessThanOrEqual(SQS_MAX_ATTRIBUTES);
          for (const value of Object.values(attributes)) {
            expect(value).not.toBe('');
            expect(XML_CHARS.test(value)).toBe(true);
          }
          expect(sizeOf(attributes)).toBeLessThanOrEqual(DEAD_LETTER_ATTRIBUTES_MAX_BYTES);
        },
      ),
    );
  });

  it('stays within the budget even when every attribute is at its cap in four-byte characters', () => {
    const longest = '\u{1F600}'.repeat(5000);
    const attributes = deadLetterAttributes({
      errorName: longest,
      errorMessage: longest,
      clientToken: longest,
      sourceMessageId: longest,
      sourceQueueArn: longest,
      detailType: longest,
      receiveCount: 2 ** 53 - 1,
      failedAt: FAILED_AT,
    });
    expect(Object.keys(attributes).sort()).toEqual(Object.keys(ATTRIBUTE_MAX_CODE_POINTS).sort());
    expect(sizeOf(attributes)).toBeLessThanOrEqual(DEAD_LETTER_ATTRIBUTES_MAX_BYTES);
  });

  it('replaces invalid characters and keeps surrogate pairs whole when cutting', () => {
    const attributes = deadLetterAttributes({
      errorName: 'Bad\u0000Name',
      errorMessage: `${'x'.repeat(1022)}\u{1F600}tail`,
      sourceMessageId: 'id\uFFFF\uDC00',
      failedAt: FAILED_AT,
    });
    expect(attributes.ErrorName).toBe('Bad\uFFFDName');
    expect(attributes.SourceMessageId).toBe('id\uFFFD\uFFFD');
    expect(attributes.ErrorMessage).toBe(`${'x'.repeat(1022)}\u{1F600}…`);
    expect(XML_CHARS.test(attributes.ErrorMessage ?? '')).toBe(true);
  });

  it('leaves out what is unknown or empty rather than sending an empty value', () => {
    const attributes = deadLetterAttributes({
      errorName: 'E',
      errorMessage: '',
      sourceMessageId: 'm',
      failedAt: FAILED_AT,
    });
    expect(attributes).toEqual({ ErrorName: 'E', SourceMessageId: 'm', FailedAt: FAILED_AT.toISOString() });
  });
});

describe('minimalDeadLetterAttributes', () => {
  it('keeps the reason and the source in printable ASCII', () => {
    const full = deadLetterAttributes({
      errorName: 'ValidationException',
      errorMessage: 'détail invalide \u{1F600}',
      clientToken: 'token',
      sourceMessageId: 'm-1',
      detailType: 'Asset Added To Inventory',
      receiveCount: 3,
      failedAt: FAILED_AT,
    });
    expect(minimalDeadLetterAttributes(full)).toEqual({
      ErrorName: 'ValidationException',
      ErrorMessage: 'd?tail invalide ?',
      SourceMessageId: 'm-1',
      FailedAt: FAILED_AT.toISOString(),
    });
  });

  it('leaves out what the full set did not have', () => {
    const full = deadLetterAttributes({
      errorName: 'DeadlineExceededError',
      errorMessage: '',
      sourceMessageId: 'm-2',
      receiveCount: 4,
      failedAt: FAILED_AT,
    });
    expect(minimalDeadLetterAttributes(full)).toEqual({
      ErrorName: 'DeadlineExceededError',
      SourceMessageId: 'm-2',
      FailedAt: FAILED_AT.toISOString(),
    });
  });
});
