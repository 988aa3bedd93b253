import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';

/**
 * AWS SDK clients at module scope, created once per cold start. Endpoints come from the standard
 * `AWS_ENDPOINT_URL_*` variables, which is how the local stack points them at the emulators.
 */
export const dynamoDb = DynamoDBDocumentClient.from(new DynamoDBClient({}), {
  marshallOptions: { removeUndefinedValues: true },
});
