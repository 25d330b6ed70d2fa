import type { ReactNode } from 'react';

/**
 * A scrollable table with a caption for screen readers (its accessible name) and one column header per
 * `columns` entry; `children` are the body rows.
 */
export function DataTable({
  caption,
  columns,
  testId,
  className,
  scrollable = false,
  children,
}: {
  caption: string;
  columns: readonly ReactNode[];
  testId?: string;
  className?: string;
  /** A wide table that may scroll sideways: its wrapper is a named, focusable region (keyboard scrolling). */
  scrollable?: boolean;
  children: ReactNode;
}) {
  return (
    <div className="table-wrap" {...(scrollable ? { tabIndex: 0, role: 'region', 'aria-label': caption } : {})}>
      <table className={className} data-testid={testId}>
        <caption className="sr-only">{caption}</caption>
        <thead>
          <tr>
            {columns.map((column, index) => (
              <th key={index} scope="col">
                {column}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>{children}</tbody>
      </table>
    </div>
  );
}
