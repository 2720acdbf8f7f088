import {
  type DataZoneClient,
  GetAssetCommand,
  GetMetadataGenerationRunCommand,
  ListMetadataGenerationRunsCommand,
  StartMetadataGenerationRunCommand,
  type StartMetadataGenerationRunCommandInput,
} from '@aws-sdk/client-datazone';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startLocalDataZone } from '../../../tools/local/datazone/server.js';
import type { LocalDataZone } from '../../../tools/local/datazone/types.js';
import {
  CLICKS,
  clientFor,
  DOMAIN,
  EXPORTS,
  failure,
  MARKETING,
  ORDERS,
  RAW_CLICKSTREAM,
  SALES,
  startInput,
} from './support.js';

describe('local DataZone: validation and not found', () => {
  let server: LocalDataZone;
  let client: DataZoneClient;

  beforeAll(async () => {
    server = await startLocalDataZone();
    client = clientFor(server);
  });
  afterAll(async () => {
    client.destroy();
    await server.close();
  });

  const validation: Array<[string, Partial<StartMetadataGenerationRunCommandInput>, string | RegExp]> = [
    [
      'domain pattern',
      { domainIdentifier: 'domain-1' },
      "Value 'domain-1' at 'domainIdentifier' failed to satisfy constraint: Member must satisfy regular " +
        'expression pattern: ^dzd[-_][a-zA-Z0-9_-]{1,36}$',
    ],
    [
      'project pattern',
      { owningProjectIdentifier: 'sales project' },
      "Value 'sales project' at 'owningProjectIdentifier' failed to satisfy constraint: Member must satisfy " +
        'regular expression pattern: ^[a-zA-Z0-9_-]{1,36}$',
    ],
    [
      'target type',
      { target: { type: 'TABLE' as 'ASSET', identifier: ORDERS } },
      "Value 'TABLE' at 'target.type' failed to satisfy constraint: Member must satisfy enum value set: [ASSET]",
    ],
    [
      'revision length',
      { target: { type: 'ASSET', identifier: ORDERS, revision: 'r'.repeat(65) } },
      "at 'target.revision' failed to satisfy constraint: Member must have length between 1 and 64",
    ],
    [
      'no types',
      { types: [] },
      "Value '[]' at 'types' failed to satisfy constraint: Member must have length between 1 and 2",
    ],
    [
      'three types',
      { types: ['BUSINESS_DESCRIPTIONS', 'BUSINESS_NAMES', 'BUSINESS_GLOSSARY_ASSOCIATIONS'] },
      "at 'types' failed to satisfy constraint: Member must have length between 1 and 2",
    ],
    [
      'unknown type',
      { types: ['SUMMARIES' as 'BUSINESS_NAMES'] },
      "Value '[SUMMARIES]' at 'types' failed to satisfy constraint: Member must satisfy constraint: [Member must " +
        'satisfy enum value set: [BUSINESS_DESCRIPTIONS, BUSINESS_NAMES, BUSINESS_GLOSSARY_ASSOCIATIONS]]',
    ],
    [
      'duplicate types',
      { types: ['BUSINESS_NAMES', 'BUSINESS_NAMES'] },
      "at 'types' failed to satisfy constraint: Member must not contain duplicate values",
    ],
    [
      'types missing',
      { types: undefined },
      "Value null at 'types' failed to satisfy constraint: Member must not be null",
    ],
    [
      'client token pattern',
      { clientToken: 'has space' },
      "Value 'has space' at 'clientToken' failed to satisfy constraint: Member must satisfy regular expression " +
        'pattern: ^[\\x21-\\x7E]+$',
    ],
    [
      'client token length',
      { clientToken: 'x'.repeat(129) },
      "at 'clientToken' failed to satisfy constraint: Member must have length between 1 and 128",
    ],
    [
      'project does not own the asset',
      { owningProjectIdentifier: MARKETING },
      `owningProjectIdentifier '${MARKETING}' does not own asset ${ORDERS}: its owning project is ${SALES}.`,
    ],
    [
      'revision does not exist',
      { target: { type: 'ASSET', identifier: ORDERS, revision: '9' } },
      `target.revision '9' does not exist for asset ${ORDERS} (revisions: 1, 2, 3).`,
    ],
    [
      'asset type cannot generate',
      { owningProjectIdentifier: MARKETING, target: { type: 'ASSET', identifier: EXPORTS } },
      `Metadata generation is not supported for asset ${EXPORTS} of type amazon.datazone.S3ObjectCollectionAssetType`,
    ],
    [
      'no structured schema',
      { owningProjectIdentifier: MARKETING, target: { type: 'ASSET', identifier: RAW_CLICKSTREAM } },
      `Asset ${RAW_CLICKSTREAM} has no structured schema`,
    ],
  ];

  it.each(validation)('rejects %s with ValidationException', async (_name, over, message) => {
    const e = await failure(() => client.send(new StartMetadataGenerationRunCommand(startInput(over))));
    expect(e.name).toBe('ValidationException');
    expect(e.$metadata?.httpStatusCode).toBe(400);
    expect(e.message).toContain(message);
  });

  it('reports every problem of a request at once', async () => {
    const e = await failure(() =>
      client.send(new StartMetadataGenerationRunCommand(startInput({ domainIdentifier: 'bad', types: [] }))),
    );
    expect(e.message).toMatch(
      /^2 validation errors detected: Value 'bad' at 'domainIdentifier'.*; Value '\[\]' at 'types'/,
    );
  });

  it('accepts a Redshift table', async () => {
    const run = await client.send(
      new StartMetadataGenerationRunCommand(
        startInput({ owningProjectIdentifier: MARKETING, target: { type: 'ASSET', identifier: CLICKS } }),
      ),
    );
    expect(run.status).toBe('SUBMITTED');
  });

  const notFound: Array<[string, () => Promise<unknown>, string]> = [
    [
      'unknown domain',
      () =>
        client.send(
          new StartMetadataGenerationRunCommand(startInput({ domainIdentifier: 'dzd_unknown123' })),
        ),
      'Domain dzd_unknown123 not found.',
    ],
    [
      'unknown asset',
      () =>
        client.send(
          new StartMetadataGenerationRunCommand(
            startInput({ target: { type: 'ASSET', identifier: 'gone1' } }),
          ),
        ),
      `Asset gone1 not found in domain ${DOMAIN}.`,
    ],
    [
      'unknown project',
      () =>
        client.send(
          new StartMetadataGenerationRunCommand(startInput({ owningProjectIdentifier: 'noproject' })),
        ),
      `Project noproject not found in domain ${DOMAIN}.`,
    ],
    [
      'GetAsset unknown asset',
      () => client.send(new GetAssetCommand({ domainIdentifier: DOMAIN, identifier: 'gone1' })),
      `Asset gone1 not found in domain ${DOMAIN}.`,
    ],
    [
      'GetAsset unknown revision',
      () =>
        client.send(new GetAssetCommand({ domainIdentifier: DOMAIN, identifier: ORDERS, revision: '42' })),
      `Revision 42 of asset ${ORDERS} not found.`,
    ],
    [
      'GetAsset unknown domain',
      () => client.send(new GetAssetCommand({ domainIdentifier: 'dzd_nothere', identifier: ORDERS })),
      'Domain dzd_nothere not found.',
    ],
    [
      'unknown run',
      () =>
        client.send(new GetMetadataGenerationRunCommand({ domainIdentifier: DOMAIN, identifier: 'norun' })),
      `Metadata generation run norun not found in domain ${DOMAIN}.`,
    ],
  ];

  it.each(notFound)('answers %s with ResourceNotFoundException', async (_name, call, message) => {
    const e = await failure(call);
    expect(e.name).toBe('ResourceNotFoundException');
    expect(e.$metadata?.httpStatusCode).toBe(404);
    expect(e.message).toBe(message);
  });

  it('validates GetAsset and ListMetadataGenerationRuns parameters', async () => {
    const asset = await failure(() =>
      client.send(new GetAssetCommand({ domainIdentifier: DOMAIN, identifier: 'a b' })),
    );
    expect(asset.message).toContain("Value 'a b' at 'identifier' failed to satisfy constraint");
    const list = await failure(() =>
      client.send(new ListMetadataGenerationRunsCommand({ domainIdentifier: DOMAIN, maxResults: 51 })),
    );
    expect(list.name).toBe('ValidationException');
    expect(list.message).toContain(
      "Value '51' at 'maxResults' failed to satisfy constraint: Member must have value between 1 and 50",
    );
  });
});
