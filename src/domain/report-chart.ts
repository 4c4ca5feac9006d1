/**
 * Bars for charts drawn with HTML tables (they render in Outlook, Gmail and Thunderbird, unlike SVG or CSS grid):
 * each bar is a table cell whose width is its share of the largest value.
 */
export interface Bar {
  label: string;
  value: number;
  /** What is written next to the bar (defaults to the value). */
  display: string;
  /** Width of the filled cell, 0–100 (%). A non-zero value is at least 1% so that it stays visible. */
  width: number;
  /** Width of the empty rest of the row. */
  rest: number;
}

export function bars(items: readonly { label: string; value: number; display?: string }[], max?: number): Bar[] {
  const top = max ?? Math.max(0, ...items.map((i) => i.value));
  return items.map((i) => {
    const width = top <= 0 || i.value <= 0 ? 0 : Math.max(1, Math.round((i.value / top) * 100));
    return { label: i.label, value: i.value, display: i.display ?? String(i.value), width, rest: 100 - width };
  });
}
