import { describe, expect, it } from 'vitest';
import { Conflict, NotFound, SeatLimitReached, ServiceUnavailable } from '../../shared/domain/errors';
import { problemResponse } from '../../shared/http/problem';

const bodyOf = (response: ReturnType<typeof problemResponse>) => JSON.parse(response.body as string);

describe('problem+json mapping', () => {
  it('keeps status, code and detail of domain errors', () => {
    const response = problemResponse(new NotFound('Member', 'member_not_found'), 'req-1');
    expect(response.statusCode).toBe(404);
    expect(response.headers?.['content-type']).toBe('application/problem+json');
    expect(bodyOf(response)).toMatchObject({
      status: 404,
      code: 'member_not_found',
      title: 'Not found',
      detail: 'Member was not found.',
      type: 'urn:problem:users-and-roles:member_not_found',
      instance: 'urn:request:req-1',
    });
  });

  it('adds extension members', () => {
    expect(bodyOf(problemResponse(new SeatLimitReached(10)))).toMatchObject({
      code: 'seat_limit_reached',
      seatLimit: 10,
    });
    expect(bodyOf(problemResponse(new Conflict('role_in_use', 'in use', { count: 3 })))).toMatchObject({ count: 3 });
  });

  it('never discloses internal errors', () => {
    const error = new Error('ResourceNotFoundException: table prod-Main at arn:aws:dynamodb:...');
    error.stack = 'at secret (/var/task/index.mjs:1:1)';
    const response = problemResponse(error);
    expect(response.statusCode).toBe(500);
    expect(response.body).not.toContain('prod-Main');
    expect(response.body).not.toContain('index.mjs');
    expect(bodyOf(response).code).toBe('internal_error');
  });

  it('answers throttling with 503 and Retry-After', () => {
    const throttled = Object.assign(new Error('Rate exceeded'), { name: 'ProvisionedThroughputExceededException' });
    const response = problemResponse(throttled);
    expect(response.statusCode).toBe(503);
    expect(response.headers?.['retry-after']).toBe('1');
    expect(bodyOf(problemResponse(new ServiceUnavailable())).code).toBe('service_unavailable');
  });

  it('maps the JSON body parser errors', () => {
    const malformed = Object.assign(new Error('Invalid or malformed JSON was provided'), {
      statusCode: 415,
      cause: { package: '@middy/http-json-body-parser', data: '{', message: 'Unexpected end of JSON input' },
    });
    expect(bodyOf(problemResponse(malformed))).toMatchObject({ status: 400, code: 'malformed_json' });
    const wrongType = Object.assign(new Error('Unsupported Media Type'), {
      statusCode: 415,
      cause: { package: '@middy/http-json-body-parser', data: 'text/plain' },
    });
    expect(bodyOf(problemResponse(wrongType))).toMatchObject({ status: 415, code: 'unsupported_media_type' });
  });
});
