/**
 * A one-shot message for one page (e.g. "Decision saved" for the page the decision leads to). It is shown
 * only on the page it names: set for the page being left, it is dropped; set for the page being shown (an
 * override saved in place), it shows at once. Never on some later page.
 */
let pending: { message: string; page: string } | null = null;
const listeners = new Set<() => void>();

/** `page`: the path the message belongs to (default: the current one). */
export function setFlash(message: string, page: string = window.location.pathname): void {
  pending = { message, page };
  for (const listener of listeners) listener();
}

/** The message for `page`, once; a message for another page is dropped (it was never seen there). */
export function takeFlash(page: string): string | null {
  const current = pending;
  pending = null;
  return current && current.page === page ? current.message : null;
}

/** Whether a message waits for `page` (without taking it). */
export function hasFlashFor(page: string): boolean {
  return pending !== null && pending.page === page;
}

export function subscribeFlash(listener: () => void): () => void {
  listeners.add(listener);
  return () => {
    listeners.delete(listener);
  };
}
