/**
 * Environment variables → typed values, every problem collected, each naming the variable and what it expects:
 * a bad deployment fails at cold start with one readable message. Shared by every entry point's configuration.
 */
export class ConfigurationError extends Error {
  override readonly name = 'ConfigurationError';
  constructor(readonly problems: readonly string[]) {
    super(`Invalid configuration:\n  - ${problems.join('\n  - ')}`);
  }
}

export type Env = Readonly<Record<string, string | undefined>>;

/** Reads variables and collects every problem before failing. */
export class EnvReader {
  readonly problems: string[] = [];
  constructor(private readonly env: Env) {}

  private raw(name: string): string | undefined {
    const value = this.env[name]?.trim();
    return value === '' ? undefined : value;
  }

  requiredString(name: string, expected: string, isValid: (value: string) => boolean): string {
    const value = this.raw(name);
    if (value === undefined) {
      this.problems.push(`${name} is required: expected ${expected}`);
      return '';
    }
    if (!isValid(value)) this.problems.push(`${name} must be ${expected}, got "${value}"`);
    return value;
  }

  /** An SQS queue URL: http(s), as the SDK takes it (a local endpoint in development is plain http). */
  requiredQueueUrl(name: string): string {
    return this.requiredString(
      name,
      'an SQS queue URL such as https://sqs.eu-west-1.amazonaws.com/123456789012/name',
      (value) => URL.canParse(value) && /^https?:$/.test(new URL(value).protocol),
    );
  }

  string(name: string, fallback: string): string {
    return this.raw(name) ?? fallback;
  }

  list(name: string, fallback: readonly string[]): string[] {
    const value = this.raw(name);
    if (value === undefined) return [...fallback];
    return value
      .split(',')
      .map((item) => item.trim())
      .filter((item) => item !== '');
  }

  /** An integer when set, undefined when not (its default depends on other values). */
  optionalInteger(name: string, min: number, max: number): number | undefined {
    if (this.raw(name) === undefined) return undefined;
    return this.integer(name, min, min, max);
  }

  integer(name: string, fallback: number, min: number, max: number): number {
    return this.number(name, fallback, min, max, true);
  }

  number(name: string, fallback: number, min: number, max: number, integer = false): number {
    const value = this.raw(name);
    if (value === undefined) return fallback;
    const parsed = Number(value);
    const kind = integer ? 'an integer' : 'a number';
    if (!Number.isFinite(parsed) || (integer && !Number.isInteger(parsed)) || parsed < min || parsed > max) {
      this.problems.push(`${name} must be ${kind} from ${min} to ${max}, got "${value}"`);
      return fallback;
    }
    return parsed;
  }
}
