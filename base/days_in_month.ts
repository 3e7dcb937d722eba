// The one count of a month's days (leap years by the Gregorian rule), for
// the places that check a date's digits without a Date object: the cache's
// compact timestamps and the fake REST's ISO 8601 fields.

/**
 * How many days `month` of `year` has.
 *
 * @param year The year.
 * @param month The month, 1 (January) to 12.
 * @returns 28 to 31.
 */
export function daysInMonth(year: number, month: number): number {
  if (month === 2) {
    return year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0) ? 29 : 28;
  }
  return month === 4 || month === 6 || month === 9 || month === 11 ? 30 : 31;
}
