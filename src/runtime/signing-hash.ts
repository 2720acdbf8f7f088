/**
 * The SHA-256 the SDK clients sign requests with (their `sha256` option), the SDK's own Node hash but for the HMAC
 * key: Node 24 (the Lambda runtime) checks whether a buffer key is a KeyObject or a CryptoKey by catching two
 * exceptions, about 10 µs per HMAC, once per signed request. A KeyObject key passes the first check at once, so
 * each buffer key becomes a KeyObject, once: the signer derives its signing key once a day and reuses it.
 */
import { createHash, createHmac, createSecretKey, type KeyObject } from 'node:crypto';

type SourceData = string | ArrayBuffer | ArrayBufferView;

/** KeyObjects of the buffer keys seen, for as long as the key itself lives. */
const keyObjects = new WeakMap<object, KeyObject>();

function bytesOf(data: SourceData, encoding?: BufferEncoding): Buffer {
  if (typeof data === 'string') return Buffer.from(data, encoding);
  if (ArrayBuffer.isView(data)) return Buffer.from(data.buffer, data.byteOffset, data.byteLength);
  return Buffer.from(data);
}

/** A string key is never checked that way; a buffer key is looked up, or made into a KeyObject once. */
export function hmacKey(secret: SourceData): string | KeyObject {
  if (typeof secret === 'string') return secret;
  let key = keyObjects.get(secret);
  if (key === undefined) {
    key = createSecretKey(bytesOf(secret));
    keyObjects.set(secret, key);
  }
  return key;
}

/** A SHA-256 hash, or its HMAC under `secret`: the SDK's `Checksum` interface. */
export class SigningSha256 {
  private hash;

  constructor(private readonly secret?: SourceData) {
    this.hash = this.fresh();
  }

  update(data: SourceData, encoding?: 'utf8' | 'ascii' | 'latin1'): void {
    this.hash.update(bytesOf(data, encoding));
  }

  digest(): Promise<Uint8Array> {
    return Promise.resolve(this.hash.digest());
  }

  reset(): void {
    this.hash = this.fresh();
  }

  private fresh() {
    return this.secret ? createHmac('sha256', hmacKey(this.secret)) : createHash('sha256');
  }
}
