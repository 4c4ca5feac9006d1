/** Durations in the policy file: "24h", "90m", "30s", "2d" or a combination such as "1h30m". */
const UNIT_MS = { d: 86_400_000, h: 3_600_000, m: 60_000, s: 1_000 } as const;
const PART = /(\d+(?:\.\d+)?)\s*([dhms])/gy;

export function parseDuration(text: string): number | undefined {
  const source = text.trim();
  if (source === '') return undefined;
  PART.lastIndex = 0;
  let total = 0;
  let consumed = 0;
  for (let m = PART.exec(source); m !== null; m = PART.exec(source)) {
    const [, amount, unit] = m;
    total += Number(amount) * UNIT_MS[unit as keyof typeof UNIT_MS];
    consumed = PART.lastIndex;
    while (source[PART.lastIndex] === ' ') PART.lastIndex += 1;
  }
  return consumed === source.length && total > 0 ? Math.round(total) : undefined;
}

export function formatDurationShort(ms: number): string {
  const sign = ms < 0 ? '-' : '';
  let rest = Math.abs(Math.round(ms / 1000));
  const parts: string[] = [];
  for (const [unit, size] of [['d', 86_400], ['h', 3_600], ['m', 60], ['s', 1]] as const) {
    const n = Math.floor(rest / size);
    rest -= n * size;
    if (n > 0) parts.push(`${n}${unit}`);
  }
  return sign + (parts.slice(0, 2).join(' ') || '0s');
}
