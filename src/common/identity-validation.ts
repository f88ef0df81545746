export type ResidentIdResult =
  | { ok: true; normalized: string; birthDate: string }
  | { ok: false; problem: string };

export type MobileResult = { ok: true; normalized: string } | { ok: false; problem: string };

const ID_WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2] as const;
const ID_CHECK_CHARS = '10X98765432';

function utcDateOnly(date: Date): number {
  return Date.UTC(date.getUTCFullYear(), date.getUTCMonth(), date.getUTCDate());
}

function isRealDate(year: number, month: number, day: number): boolean {
  if (month < 1 || month > 12 || day < 1) return false;
  // Day 0 of the following month is the last day of this month.
  const daysInMonth = new Date(Date.UTC(year, month, 0)).getUTCDate();
  return day <= daysInMonth;
}

/** The GB 11643-1999 check character of the first 17 digits of a resident ID number. */
export function residentIdCheckChar(body: string): string {
  const sum = ID_WEIGHTS.reduce((acc, weight, i) => acc + Number(body.charAt(i)) * weight, 0);
  return ID_CHECK_CHARS.charAt(sum % 11);
}

// Problem strings never echo the input: they surface in error messages and
// the input is personal data.
export function parseResidentId(value: string, today: Date = new Date()): ResidentIdResult {
  const trimmed = value.trim();
  if (trimmed.length !== 18) return { ok: false, problem: 'must be 18 characters' };

  const normalized = trimmed.toUpperCase();
  const body = normalized.slice(0, 17);
  const check = normalized.charAt(17);
  if (!/^\d{17}$/.test(body)) return { ok: false, problem: 'first 17 characters must be digits' };
  if (!/^[\dX]$/.test(check)) return { ok: false, problem: 'last character must be a digit or X' };

  const year = Number(body.slice(6, 10));
  const month = Number(body.slice(10, 12));
  const day = Number(body.slice(12, 14));
  if (!isRealDate(year, month, day)) return { ok: false, problem: 'birth date is not a real date' };
  if (year < 1900) return { ok: false, problem: 'birth year is before 1900' };
  if (Date.UTC(year, month - 1, day) > utcDateOnly(today)) {
    return { ok: false, problem: 'birth date is in the future' };
  }

  if (residentIdCheckChar(body) !== check) {
    return { ok: false, problem: 'check character does not match' };
  }

  const birthDate = `${body.slice(6, 10)}-${body.slice(10, 12)}-${body.slice(12, 14)}`;
  return { ok: true, normalized, birthDate };
}

export function ageOn(birthDate: string, today: Date = new Date()): number {
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(birthDate);
  if (!match) throw new RangeError('birth date must be formatted YYYY-MM-DD');
  const year = Number(match[1]);
  const month = Number(match[2]);
  const day = Number(match[3]);

  let age = today.getUTCFullYear() - year;
  const monthNow = today.getUTCMonth() + 1;
  const dayNow = today.getUTCDate();
  if (monthNow < month || (monthNow === month && dayNow < day)) age -= 1;
  return age;
}

export function normalizeMainlandMobile(value: string): MobileResult {
  let digits = value.trim().replace(/[\s-]/g, '');
  if (digits.startsWith('+86')) digits = digits.slice(3);
  else if (digits.startsWith('0086')) digits = digits.slice(4);

  if (!/^1[3-9]\d{9}$/.test(digits)) {
    return { ok: false, problem: 'must be an 11-digit mainland China mobile number starting 13-19' };
  }
  return { ok: true, normalized: digits };
}

export function isPlausibleEmail(value: string): boolean {
  if (value.length === 0 || value.length > 254) return false;
  if (/\s/.test(value)) return false;

  const at = value.indexOf('@');
  if (at === -1 || value.indexOf('@', at + 1) !== -1) return false;
  const local = value.slice(0, at);
  const domain = value.slice(at + 1);
  if (local.length === 0 || local.length > 64) return false;

  const labels = domain.split('.');
  if (labels.length < 2) return false;
  return labels.every((label) => /^[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?$/.test(label));
}
