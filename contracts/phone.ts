// The one form phone numbers are compared, stored and masked in, for callers, citizens on work orders,
// callback numbers and priority lists alike. Browser-safe (the desktop masks with it too).

/**
 * Digits only, in national form: "+86 138-0013-8000", "008613800138000", "013800138000" and "13800138000" are
 * the same mobile; a landline keeps its area code, and one dialled with the country code gets its trunk 0 back
 * ("+86 755 8888 8888" → "075588888888").
 */
export function normalizePhone(raw: string): string {
  const digits = raw.replace(/\D/g, '');
  const mobile = /^(?:0086|86|0)?(1[3-9]\d{9})$/.exec(digits);
  if (mobile) return mobile[1] as string;
  if (digits.startsWith('0086') && digits.length > 11) return `0${digits.slice(4)}`;
  if (digits.startsWith('86') && digits.length >= 12) return `0${digits.slice(2)}`;
  return digits;
}

/** 138****8000: for logs and for people who may not see the number. */
export function maskPhone(phone: string): string {
  const digits = phone.replace(/\D/g, '');
  if (digits.length >= 7) return `${digits.slice(0, 3)}****${digits.slice(-4)}`;
  return digits.length > 2 ? `${'*'.repeat(digits.length - 2)}${digits.slice(-2)}` : '**';
}
