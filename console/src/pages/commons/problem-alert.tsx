import Alert from '@cloudscape-design/components/alert';
import { ApiProblem } from '../../api/client';

/** Shows what went wrong in the API's own words (its problem `detail`), with the field errors when any. */
export function ProblemAlert({ error, header }: { readonly error: unknown; readonly header?: string }) {
  if (!error) return null;
  const problem = error instanceof ApiProblem ? error : undefined;
  const detail = error instanceof Error ? error.message : String(error);
  return (
    <Alert type="error" header={header ?? problem?.problem.title ?? 'Something went wrong'} data-testid="problem">
      {detail}
      {problem?.problem.errors?.length ? (
        <ul>
          {problem.problem.errors.map((fieldError) => (
            <li key={`${fieldError.path}:${fieldError.message}`}>
              {fieldError.path ? `${fieldError.path}: ` : ''}
              {fieldError.message}
            </li>
          ))}
        </ul>
      ) : null}
    </Alert>
  );
}
