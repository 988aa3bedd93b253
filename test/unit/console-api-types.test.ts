import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { apiTypesFile, generateApiTypes } from '../../scripts/console/api-types';

describe("the console's API types", () => {
  it('are generated from the current OpenAPI document (run `npm run console:types` after a contract change)', async () => {
    expect(readFileSync(apiTypesFile, 'utf8')).toBe(await generateApiTypes());
  });
});
