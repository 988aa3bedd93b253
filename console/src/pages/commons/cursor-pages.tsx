/**
 * Page-by-page reading of an API list (`{items, nextCursor}`) in a Cloudscape table: the cursors of the pages
 * seen so far (page n+1 is fetched with cursors[n]), the current page, and the Pagination control, whose
 * last page stays open while the API has a next cursor.
 */
import Pagination from '@cloudscape-design/components/pagination';
import { useState } from 'react';

export function useCursorPages(options: { readonly onPageChange?: () => void } = {}) {
  const [cursors, setCursors] = useState<(string | undefined)[]>([undefined]);
  const [pageIndex, setPageIndex] = useState(0);
  return {
    /** The cursor of the page to fetch now (undefined: the first page). */
    cursor: cursors[pageIndex],
    /** Back to the first page, e.g. when a filter changes. */
    reset: () => {
      setCursors([undefined]);
      setPageIndex(0);
      options.onPageChange?.();
    },
    /** The Pagination control, given the current page's `nextCursor`. */
    pagination: (nextCursor: string | null | undefined) => (
      <Pagination
        currentPageIndex={pageIndex + 1}
        pagesCount={cursors.length}
        openEnd={Boolean(nextCursor)}
        ariaLabels={{
          nextPageLabel: 'Next page',
          previousPageLabel: 'Previous page',
          pageLabel: (n) => `Page ${n}`,
        }}
        onChange={({ detail }) => {
          const index = detail.currentPageIndex - 1;
          if (index >= cursors.length && nextCursor) setCursors([...cursors, nextCursor]);
          setPageIndex(Math.min(index, cursors.length));
          options.onPageChange?.();
        }}
      />
    ),
  };
}
