// Small statistics and formatting helpers shared by the benchmark's parts.

/** The median of the values (mean of the middle two for an even count); NaN for none. */
export function median(values: number[]): number {
    if (values.length === 0) return NaN;
    const sorted = [...values].sort((a, b) => a - b);
    const mid = Math.floor(sorted.length / 2);
    return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

/** Nearest-rank percentile (p in 0..100) of the samples; NaN for none. */
export function percentile(values: number[], p: number): number {
    if (values.length === 0) return NaN;
    const sorted = Float64Array.from(values).sort();
    const rank = Math.ceil((p / 100) * sorted.length);
    return sorted[Math.min(sorted.length, Math.max(1, rank)) - 1];
}

export const MiB = 1024 * 1024;
export const GiB = 1024 * MiB;

/** "31,234" */
export const fmtInt = (value: number) => (Number.isFinite(value) ? Math.round(value).toLocaleString("en-US") : "n/a");

/** Milliseconds with a precision that suits the size: 0.412, 3.15, 12.3, 1,234. */
export function fmtMs(ms: number): string {
    if (!Number.isFinite(ms)) return "n/a";
    if (ms < 1) return ms.toFixed(3);
    if (ms < 10) return ms.toFixed(2);
    if (ms < 100) return ms.toFixed(1);
    return fmtInt(ms);
}

/** Two significant digits, for derived figures that are estimates: 65,083 -> 65,000. */
export function roughly(value: number): number {
    if (!Number.isFinite(value) || value === 0) return value;
    const scale = 10 ** (Math.floor(Math.log10(Math.abs(value))) - 1);
    return Math.round(value / scale) * scale;
}

export const fmtRatio = (value: number) => (Number.isFinite(value) ? value.toFixed(2) : "n/a");

export const sleep = (ms: number) => new Promise<void>(resolve => setTimeout(resolve, ms));
