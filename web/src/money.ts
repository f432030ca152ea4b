/** Prices typed in major units ("19.00") ↔ the API's minor units (zero-decimal currencies stay whole). */
export function fractionDigits(currency: string): number {
  try {
    return new Intl.NumberFormat("en", { style: "currency", currency }).resolvedOptions().maximumFractionDigits ?? 2;
  } catch {
    return 2;
  }
}

export function toMinor(typed: string, currency: string): number {
  const value = Number((typed || "0").replace(",", "."));
  return Number.isFinite(value) ? Math.round(value * 10 ** fractionDigits(currency)) : NaN;
}

export function toMajor(amount: number, currency: string): string {
  return (amount / 10 ** fractionDigits(currency)).toFixed(fractionDigits(currency));
}
