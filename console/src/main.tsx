import '@cloudscape-design/global-styles/index.css';
import { QueryClientProvider } from '@tanstack/react-query';
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { RouterProvider } from 'react-router';
import { queryClient } from './app/query-client';
import { router } from './app/router';
import { restoreSession } from './auth/session';
import { loadConfig } from './config';

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
