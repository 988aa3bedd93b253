import { DomainError } from '../../shared/domain/errors';

/** The stable `code` of the domain error a promise rejects with, or 'resolved'; any other error fails the test. */
export async function codeOf(promise: Promise<unknown>): Promise<string> {
  try {
    await promise;
    return 'resolved';
  } catch (error) {
    if (error instanceof DomainError) return error.code;
    throw error;
  }
}
