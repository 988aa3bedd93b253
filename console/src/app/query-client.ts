import { QueryClient } from '@tanstack/react-query';
import { ApiProblem } from '../api/client';

/** The console's one query cache (main.tsx provides it; the router's loaders prefetch into it). */
export const queryClient = new QueryClient({
  defaultOptions: {
    queries: {
      // A refusal or a missing resource will not change by asking again.
      retry: (failures, error) => !(error instanceof ApiProblem && error.status < 500) && failures < 2,
      staleTime: 10_000,
      refetchOnWindowFocus: false,
    },
  },
});
