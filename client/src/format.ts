export function label(value: string): string {
  const text = value.replaceAll('_', ' ');
  return text.charAt(0).toUpperCase() + text.slice(1);
}

export function dateTime(value: string | null | undefined): string {
  if (!value) return '—';
  const date = new Date(value);
  if (Number.isNaN(date.getTime())) return value;
  return date.toISOString().replace('T', ' ').slice(0, 16) + ' UTC';
}

export function money(amount: string, currency: string): string {
  const value = Number(amount);
  if (!Number.isFinite(value)) return `${amount} ${currency}`;
  try {
    return new Intl.NumberFormat('en-GB', { style: 'currency', currency }).format(value);
  } catch {
    return `${amount} ${currency}`;
  }
}

export function age(hours: number): string {
  if (hours < 24) return `${hours} h`;
  return `${Math.floor(hours / 24)} d ${hours % 24} h`;
}

/** EXIF capture times come as "2026-03-02T10:15:00" or "2026:03:02 10:15:00"; both to epoch ms. */
export function parseLooseDate(value: string | null | undefined): number | null {
  if (!value) return null;
  const normal = /^\d{4}:\d{2}:\d{2}/.test(value) ? value.replace(/^(\d{4}):(\d{2}):(\d{2})[ T]?/, '$1-$2-$3T') : value;
  const withZone = /^\d{4}-\d{2}-\d{2}$/.test(normal)
    ? `${normal}T00:00:00Z`
    : /[zZ]|[+-]\d{2}:?\d{2}$/.test(normal)
      ? normal
      : `${normal}Z`;
  const time = Date.parse(withZone);
  return Number.isNaN(time) ? null : time;
}

/** "1 claim", "3 claims": a count with its noun, plural unless the count is one. */
export function count(n: number, noun: string): string {
  return `${n} ${noun}${n === 1 ? '' : 's'}`;
}
