import '@cloudscape-design/global-styles/index.css';
import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { RouterProvider } from 'react-router';
import { ApiProblem } from './api/client';
import { router } from './app/router';
import { restoreSession } from './auth/session';
import { loadConfig } from './config';

const queryClient = new QueryClient({
  defaultOptions: {
    queries: {
      // A refusal or a missing resource will not change by asking again.
      retry: (failures, error) => !(error instanceof ApiProblem && error.status < 500) && failures < 2,
      staleTime: 10_000,
      refetchOnWindowFocus: false,
    },
  },
});

const root = createRoot(document.getElementById('root') as HTMLElement);

try {
  await loadConfig();
  await restoreSession();
  root.render(
    <StrictMode>
      <QueryClientProvider client={queryClient}>
        <RouterProvider router={router} />
      </QueryClientProvider>
    </StrictMode>,
  );
} catch (error) {
  root.render(<p role="alert">The console could not start: {(error as Error).message}</p>);
}
