'use strict';

/** The median of numbers (undefined ones ignored). */
function median(values) {
  const sorted = values.filter((v) => Number.isFinite(v)).sort((a, b) => a - b);
  if (sorted.length === 0) {
    return NaN;
  }
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

/** A number for a table: thousands separated, `digits` decimals. */
function fmt(value, digits = 0) {
  if (!Number.isFinite(value)) {
    return '–';
  }
  return value.toLocaleString('en-US', {
    minimumFractionDigits: digits,
    maximumFractionDigits: digits,
  });
}

/** A ratio as `0.83×`. */
function ratio(value, digits = 2) {
  return Number.isFinite(value) ? `${value.toFixed(digits)}×` : '–';
}

module.exports = { median, fmt, ratio };
