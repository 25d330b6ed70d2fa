import type { ReactNode } from 'react';

/**
 * A table with a caption for screen readers (its accessible name) and one column header per
 * `columns` entry; `children` are the body rows.
 */
export function DataTable({
  caption,
  columns,
  testId,
  className,
  children,
}: {
  caption: string;
  columns: readonly ReactNode[];
  testId?: string;
  className?: string;
  children: ReactNode;
}) {
  return (
    // Focusable and named: a table wider than the screen scrolls, and keyboard users must be able to scroll it.
    <div className="table-wrap" tabIndex={0} role="region" aria-label={caption}>
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
