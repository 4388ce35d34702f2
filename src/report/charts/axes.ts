/**
 * Labels of a log axis: only powers of ten get a label (`1e-7`); the ticks in between keep their grid line.
 * (d3's `.0e` on every tick gives `2e-1` beside `1e+0` on narrow ranges.)
 */
export const LOG_AXIS = {
  labelExpr: "abs(log(datum.value) / LN10 - round(log(datum.value) / LN10)) < 1e-6 ? format(datum.value, '.0e') : ''",
} as const;
