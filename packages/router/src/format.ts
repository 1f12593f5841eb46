// Number formatting for reasons. Decisions are built on a hot path, and integer-to-string is far cheaper
// in V8 than formatting a double (toFixed, String(double)), so these work on rounded integers.

/** `x` with exactly two decimals (`5.68`, `0.07`, `-1.50`), like `toFixed(2)` for |x| < 2^31 / 100. */
export function fixed2(x: number): string {
  if (!(Math.abs(x) < 21_474_836)) return x.toFixed(2);
  const cents = Math.round(x * 100);
  const sign = cents < 0 ? "-" : "";
  const abs = cents < 0 ? -cents : cents;
  const whole = Math.floor(abs / 100);
  const frac = abs - whole * 100;
  return `${sign}${whole}.${frac < 10 ? "0" : ""}${frac}`;
}

/** A share as a percentage: whole percent from 10% up, one decimal below (`8.5%`, `42%`). */
export function percent(x: number): string {
  const tenths = Math.round(x * 1000);
  if (tenths >= 100 || tenths === 0) return `${Math.round(x * 100)}%`;
  const whole = Math.floor(tenths / 10);
  return `${whole}.${tenths - whole * 10}%`;
}

/** 1234567 → "1,234,567". */
export function groupThousands(n: number): string {
  const digits = String(n);
  if (digits.length <= 3 || !Number.isFinite(n) || n < 0) return digits;
  let i = digits.length % 3 || 3;
  let out = digits.slice(0, i);
  for (; i < digits.length; i += 3) out += `,${digits.slice(i, i + 3)}`;
  return out;
}

/** An amount: two decimals below 100, whole and grouped from 100 up (`5.68 USD`, `75,030 USD`, `-1,200 USD`). */
export function money(x: number, currency: string): string {
  if (x <= -100) return `-${groupThousands(Math.round(-x))} ${currency}`;
  return `${x >= 100 ? groupThousands(Math.round(x)) : fixed2(x)} ${currency}`;
}
