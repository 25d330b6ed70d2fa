const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Whether an id from a path can be a row id: services answer 404 for one that cannot, before any query. */
export function isUuid(value: string): boolean {
  return UUID.test(value);
}
