/** Local-time stamps as the old scripts wrote them (`date '+%Y-%m-%d %H:%M:%S'`), which dashboards parse. */

const pad = (n: number, width = 2): string => String(n).padStart(width, '0');

/** `2025-10-17 14:30:00`, local time. */
export function localTimestamp(date: Date): string {
  return `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())} ${pad(date.getHours())}:${pad(date.getMinutes())}:${pad(date.getSeconds())}`;
}

/** `20251017`, local date: the day part of health_YYYYMMDD.log. */
export function compactDate(date: Date): string {
  return `${date.getFullYear()}${pad(date.getMonth() + 1)}${pad(date.getDate())}`;
}

/** `20251017_143000`, local time: investigation_YYYYMMDD_HHMMSS.txt. */
export function compactDateTime(date: Date): string {
  return `${compactDate(date)}_${pad(date.getHours())}${pad(date.getMinutes())}${pad(date.getSeconds())}`;
}
