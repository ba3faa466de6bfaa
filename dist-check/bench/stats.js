"use strict";
// Small statistics and formatting helpers shared by the benchmark's parts.
Object.defineProperty(exports, "__esModule", { value: true });
exports.sleep = exports.fmtRatio = exports.fmtInt = exports.GiB = exports.MiB = void 0;
exports.median = median;
exports.percentile = percentile;
exports.fmtMs = fmtMs;
exports.roughly = roughly;
/** The median of the values (mean of the middle two for an even count); NaN for none. */
function median(values) {
    if (values.length === 0)
        return NaN;
    const sorted = [...values].sort((a, b) => a - b);
    const mid = Math.floor(sorted.length / 2);
    return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}
/** Nearest-rank percentile (p in 0..100) of the samples; NaN for none. */
function percentile(values, p) {
    if (values.length === 0)
        return NaN;
    const sorted = Float64Array.from(values).sort();
    const rank = Math.ceil((p / 100) * sorted.length);
    return sorted[Math.min(sorted.length, Math.max(1, rank)) - 1];
}
exports.MiB = 1024 * 1024;
exports.GiB = 1024 * exports.MiB;
/** "31,234" */
const fmtInt = (value) => (Number.isFinite(value) ? Math.round(value).toLocaleString("en-US") : "n/a");
exports.fmtInt = fmtInt;
/** Milliseconds with a precision that suits the size: 0.412, 3.15, 12.3, 1,234. */
function fmtMs(ms) {
    if (!Number.isFinite(ms))
        return "n/a";
    if (ms < 1)
        return ms.toFixed(3);
    if (ms < 10)
        return ms.toFixed(2);
    if (ms < 100)
        return ms.toFixed(1);
    return (0, exports.fmtInt)(ms);
}
/** Two significant digits, for derived figures that are estimates: 65,083 -> 65,000. */
function roughly(value) {
    if (!Number.isFinite(value) || value === 0)
        return value;
    const scale = 10 ** (Math.floor(Math.log10(Math.abs(value))) - 1);
    return Math.round(value / scale) * scale;
}
const fmtRatio = (value) => (Number.isFinite(value) ? value.toFixed(2) : "n/a");
exports.fmtRatio = fmtRatio;
const sleep = (ms) => new Promise(resolve => setTimeout(resolve, ms));
exports.sleep = sleep;
//# sourceMappingURL=stats.js.map