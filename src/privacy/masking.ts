export type MaskableCategory = 'NAME' | 'NATIONAL_ID' | 'PHONE' | 'EMAIL';

/**
 * What an admin sees of an applicant's identity: enough to recognise a caller on the phone
 * ("the number ending 78?"), never enough to be the value. Each mask keeps as little as that job
 * needs; README "The access rule" says how many people each one still leaves.
 */

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

/** The last 4 (sequence and check character) only: region and birth date stay hidden. */
export function maskNationalId(v: string): string {
  if (v.length !== 18) return maskAllButLast(v, 2);
  return '*'.repeat(14) + v.slice(14);
}

/** The carrier prefix (3) and the last 2 digits: 10^6 numbers fit. */
export function maskPhone(v: string): string {
  if (!/^\d{11}$/.test(v)) return maskAllButLast(v, 2);
  return `${v.slice(0, 3)}******${v.slice(9)}`;
}

/**
 * Mail domains shared by millions (the first character of the local part and the provider still
 * leave millions of addresses). Any other domain is an employer's or a family's: shown, it
 * narrows the applicant to a few people, so only its last label is kept.
 */
const PUBLIC_MAIL_DOMAINS: ReadonlySet<string> = new Set([
  'qq.com', 'foxmail.com', '163.com', '126.com', 'yeah.net', 'sina.com', 'sina.cn', 'sohu.com', '139.com',
  'aliyun.com', 'gmail.com', 'outlook.com', 'hotmail.com', 'live.com', 'icloud.com', 'yahoo.com',
]);

export function maskEmail(v: string): string {
  const at = v.lastIndexOf('@');
  if (at === -1) return '*'.repeat(Array.from(v).length);
  const first = Array.from(v.slice(0, at))[0] ?? '';
  const domain = v.slice(at + 1);
  if (PUBLIC_MAIL_DOMAINS.has(domain.toLowerCase())) return `${first}***@${domain}`;
  const dot = domain.lastIndexOf('.');
  return `${first}***@***${dot === -1 ? '' : domain.slice(dot)}`;
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
