/** Types of stack/variables.cjs for TypeScript callers (the tests). Keep in step with the JSDoc there. */

interface VariableContext {
  readonly resolveVariable: (variable: string) => Promise<unknown>;
}

type FnSub = { readonly 'Fn::Sub': string };

interface EventPattern {
  readonly source: string[];
  readonly 'detail-type': string[];
  readonly detail?: { readonly metadata: { readonly domain: string[] } };
}

declare class ParameterError extends Error {}

declare const variables: {
  splitAccountRps(datazoneAccountRps: unknown, maxConcurrency: unknown): number;
  parseDomainIds(domainIds: unknown): string[];
  buildEventPattern(detailTypes: unknown, domainIds: unknown): EventPattern;
  buildDataZoneResources(domainIds: unknown): FnSub[];
  alarmEmailChoice(alarmEmail: unknown): 'subscribed' | 'none';
  ParameterError: typeof ParameterError;
  perContainerRps(context: VariableContext): Promise<number>;
  eventPattern(context: VariableContext): Promise<EventPattern>;
  dataZoneResources(context: VariableContext): Promise<FnSub[]>;
  alarmEmail(context: VariableContext): Promise<'subscribed' | 'none'>;
};

export = variables;
