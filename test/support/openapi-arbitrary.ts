import fc from 'fast-check';

/**
 * fast-check arbitraries that produce only values VALID for a JSON Schema of our OpenAPI document, the way
 * a schema-driven fuzzer (Schemathesis, RESTler) produces them: nothing from the zod schemas, only what the
 * document says. A keyword the generator does not know fails loudly, so that the document cannot grow a
 * constraint the contract test silently ignores.
 */

export type JsonSchema = Record<string, unknown>;

/** Keywords that only annotate (no constraint on valid values). */
const ANNOTATIONS = new Set(['description', 'example', 'examples', 'default', 'title', 'deprecated', 'readOnly']);
const HANDLED = new Set([
  '$ref',
  'type',
  'enum',
  'const',
  'anyOf',
  'oneOf',
  'allOf',
  'pattern',
  'format',
  'minLength',
  'maxLength',
  'minimum',
  'maximum',
  'minItems',
  'maxItems',
  'properties',
  'required',
  'additionalProperties',
  'minProperties',
  'items',
  'uniqueItems',
  'not',
]);

export interface GeneratorOptions {
  /** The document's `components.schemas`, for `$ref`. */
  readonly components: Record<string, JsonSchema>;
  /** Strings to prefer when they satisfy a string schema (a world's real ids), as a fuzzer's examples. */
  readonly knownStrings?: readonly string[];
}

const codePoints = (value: string) => [...value].length;

/** Emails as `format: email` allows, that also match the schema's pattern (filtered by the caller). */
const emailAddress = fc
  .tuple(
    fc.stringMatching(/^[a-z0-9][a-z0-9._+-]{0,15}[a-z0-9]$/),
    fc.array(fc.stringMatching(/^[a-z0-9][a-z0-9-]{0,10}$/), { minLength: 1, maxLength: 2 }),
    fc.constantFrom('com', 'org', 'example', 'io'),
  )
  .map(([local, labels, tld]) => `${local.replace(/\.{2,}/g, '.')}@${labels.join('.')}.${tld}`);

const dateTime = fc
  .date({ min: new Date('1990-01-01T00:00:00Z'), max: new Date('2099-12-31T00:00:00Z'), noInvalidDate: true })
  .map((d) => d.toISOString());

function stringArbitrary(schema: JsonSchema, options: GeneratorOptions): fc.Arbitrary<string> {
  const minLength = (schema.minLength as number | undefined) ?? 0;
  const maxLength = (schema.maxLength as number | undefined) ?? 80;
  const pattern = schema.pattern === undefined ? undefined : new RegExp(schema.pattern as string);
  const base =
    schema.format === 'email'
      ? emailAddress
      : schema.format === 'date-time'
        ? dateTime
        : pattern
          ? fc.stringMatching(pattern, { size: 'small' })
          : fc.string({ unit: 'grapheme', maxLength: Math.min(maxLength, 40) });
  const valid = (value: string) =>
    codePoints(value) >= minLength && codePoints(value) <= maxLength && (pattern ? pattern.test(value) : true);
  const known = (options.knownStrings ?? []).filter(valid);
  const generated = base.filter(valid);
  return known.length > 0
    ? fc.oneof({ weight: 3, arbitrary: fc.constantFrom(...known) }, { weight: 1, arbitrary: generated })
    : generated;
}

/** Values valid for `schema`. */
export function arbitraryFor(schema: JsonSchema, options: GeneratorOptions): fc.Arbitrary<unknown> {
  for (const keyword of Object.keys(schema)) {
    if (!(HANDLED.has(keyword) || ANNOTATIONS.has(keyword) || keyword.startsWith('x-')))
      throw new Error(`openapi-arbitrary: unsupported keyword ${keyword} in ${JSON.stringify(schema).slice(0, 200)}`);
  }
  if (schema.$ref !== undefined) {
    const name = String(schema.$ref).replace('#/components/schemas/', '');
    const target = options.components[name];
    if (!target) throw new Error(`openapi-arbitrary: unknown $ref ${String(schema.$ref)}`);
    return arbitraryFor(target, options);
  }
  if (schema.const !== undefined) return fc.constant(schema.const);
  if (Array.isArray(schema.enum)) return fc.constantFrom(...(schema.enum as unknown[]));
  if (schema.type === 'object' || schema.properties !== undefined) return objectArbitrary(schema, options);
  const alternatives = (schema.anyOf ?? schema.oneOf) as JsonSchema[] | undefined;
  if (alternatives) {
    const { anyOf: _a, oneOf: _o, ...rest } = schema;
    return fc.oneof(...alternatives.map((alternative) => arbitraryFor({ ...rest, ...alternative }, options)));
  }
  if (Array.isArray(schema.allOf)) {
    // Only the form zod emits for several regexes on one string: every pattern must match.
    const { allOf, ...rest } = schema;
    const patterns = (allOf as JsonSchema[]).map((part) => {
      if (Object.keys(part).some((k) => k !== 'pattern'))
        throw new Error('openapi-arbitrary: allOf other than patterns');
      return new RegExp(part.pattern as string);
    });
    return (arbitraryFor(rest, options) as fc.Arbitrary<string>)
      .map((value) => value)
      .filter((value) => patterns.every((p) => p.test(value)));
  }
  switch (schema.type) {
    case 'string':
      return stringArbitrary(schema, options);
    case 'integer':
      return fc.integer({
        min: Math.max((schema.minimum as number | undefined) ?? -1_000_000, Number.MIN_SAFE_INTEGER),
        max: Math.min((schema.maximum as number | undefined) ?? 1_000_000, Number.MAX_SAFE_INTEGER),
      });
    case 'number':
      return fc.double({
        min: (schema.minimum as number | undefined) ?? -1e6,
        max: (schema.maximum as number | undefined) ?? 1e6,
        noNaN: true,
      });
    case 'boolean':
      return fc.boolean();
    case 'null':
      return fc.constant(null);
    case 'array': {
      const items = arbitraryFor((schema.items as JsonSchema | undefined) ?? {}, options);
      const bounds = {
        minLength: (schema.minItems as number | undefined) ?? 0,
        maxLength: Math.max(
          Math.min((schema.maxItems as number | undefined) ?? 5, 5),
          (schema.minItems as number) ?? 0,
        ),
      };
      return schema.uniqueItems
        ? fc.uniqueArray(items, { ...bounds, selector: (item) => JSON.stringify(item) })
        : fc.array(items, bounds);
    }
    default:
      throw new Error(`openapi-arbitrary: no type in ${JSON.stringify(schema).slice(0, 200)}`);
  }
}

/**
 * Objects: required properties always, optional ones sometimes, nothing else when `additionalProperties` is
 * false; an `anyOf` of `required` lists (how the document says "at least one of") forces one of them;
 * `minProperties` and `not: { required }` are honoured.
 */
function objectArbitrary(schema: JsonSchema, options: GeneratorOptions): fc.Arbitrary<Record<string, unknown>> {
  const properties = (schema.properties ?? {}) as Record<string, JsonSchema>;
  const required = new Set((schema.required ?? []) as string[]);
  const requiredSets = ((schema.anyOf ?? schema.oneOf ?? []) as JsonSchema[]).map((alternative) => {
    if (Object.keys(alternative).some((k) => k !== 'required'))
      throw new Error(`openapi-arbitrary: object anyOf other than required lists: ${JSON.stringify(alternative)}`);
    return alternative.required as string[];
  });
  const forbiddenTogether = schema.not ? ((schema.not as JsonSchema).required as string[] | undefined) : undefined;
  if (schema.not && !forbiddenTogether) throw new Error('openapi-arbitrary: not other than { required }');
  const minProperties = (schema.minProperties as number | undefined) ?? 0;
  const values = Object.fromEntries(Object.entries(properties).map(([key, sub]) => [key, arbitraryFor(sub, options)]));
  const keys = Object.keys(properties);
  return fc
    .tuple(
      fc.record(values),
      fc.subarray(keys),
      requiredSets.length > 0 ? fc.constantFrom(...requiredSets) : fc.constant([] as string[]),
    )
    .map(([all, chosen, forced]) => {
      const present = new Set([...required, ...chosen, ...forced]);
      return Object.fromEntries(
        keys.filter((key) => present.has(key) && all[key] !== undefined).map((key) => [key, all[key]]),
      );
    })
    .filter(
      (value) =>
        Object.keys(value).length >= minProperties &&
        [...required].every((key) => key in value) &&
        (requiredSets.length === 0 || requiredSets.some((set) => set.every((key) => key in value))) &&
        !forbiddenTogether?.every((key) => key in value),
    );
}
