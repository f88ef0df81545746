export type MaskableCategory = 'NAME' | 'NATIONAL_ID' | 'PHONE' | 'EMAIL';

function maskAllButLast(v: string, keep: number): string {
  const chars = Array.from(v);
  if (chars.length <= keep) return '*'.repeat(chars.length);
  return '*'.repeat(chars.length - keep) + chars.slice(-keep).join('');
}

// Array.from iterates by code point so CJK extension characters (surrogate
// pairs) are never split into half a character.
export function maskName(v: string): string {
  const chars = Array.from(v);
  if (chars.length <= 1) return '*'.repeat(chars.length);
  return chars.slice(0, 1).join('') + '*'.repeat(chars.length - 1);
}

export function maskNationalId(v: string): string {
  if (v.length !== 18) return maskAllButLast(v, 2);
  return `${v.slice(0, 6)}********${v.slice(14)}`;
}

export function maskPhone(v: string): string {
  if (!/^\d{11}$/.test(v)) return maskAllButLast(v, 2);
  return `${v.slice(0, 3)}****${v.slice(7)}`;
}

export function maskEmail(v: string): string {
  const at = v.lastIndexOf('@');
  if (at === -1) return '*'.repeat(Array.from(v).length);
  const first = Array.from(v.slice(0, at))[0] ?? '';
  return `${first}***${v.slice(at)}`;
}

export function maskValue(category: MaskableCategory, value: string): string {
  switch (category) {
    case 'NAME':
      return maskName(value);
    case 'NATIONAL_ID':
      return maskNationalId(value);
    case 'PHONE':
      return maskPhone(value);
    case 'EMAIL':
      return maskEmail(value);
    default: {
      const unreachable: never = category;
      throw new Error(`unknown maskable category: ${String(unreachable)}`);
    }
  }
}
