import { residentIdCheckChar } from "../common/identity-validation";

/**
 * The sandbox's people and lenders (`npm run seed:demo`). Every value is synthetic and says so:
 * names read "演示" (demo), e-mail addresses are at `example.com` (RFC 2606), and mobile numbers
 * are 11 digits in 140–144, blocks the numbering plan gives to 13-digit IoT numbers, so no
 * 11-digit number there reaches a subscriber (China publishes no fictional mobile range).
 */

export interface DemoLender {
  name: string;
  legalName: string;
  contactEmail: string;
  criteria: { minAmount: number; maxAmount: number; minTermMonths: number; maxTermMonths: number; cities?: string[] };
  permitted: string[];
}

export const DEMO_LENDERS: readonly DemoLender[] = [
  {
    name: "Demo Alpha", legalName: "Demo Alpha Consumer Finance Co., Ltd. (sandbox)", contactEmail: "privacy@alpha.demo.example",
    criteria: { minAmount: 1000, maxAmount: 500000, minTermMonths: 1, maxTermMonths: 60 }, permitted: ["NAME", "NATIONAL_ID", "PHONE", "EMAIL"],
  },
  {
    name: "Demo Beta", legalName: "Demo Beta Microcredit Co., Ltd. (sandbox)", contactEmail: "privacy@beta.demo.example",
    criteria: { minAmount: 5000, maxAmount: 200000, minTermMonths: 6, maxTermMonths: 36, cities: ["北京", "上海", "广东省"] }, permitted: ["NAME", "PHONE"],
  },
  {
    name: "Demo Gamma", legalName: "Demo Gamma Bank Co., Ltd. (sandbox)", contactEmail: "privacy@gamma.demo.example",
    criteria: { minAmount: 20000, maxAmount: 1000000, minTermMonths: 12, maxTermMonths: 120 }, permitted: [],
  },
];

export interface DemoApplicant {
  /** The development token's subject. */
  subject: string;
  fullName: string;
  /** GB/T 2260 county code (the ID number's region), its city, and a birth date YYYYMMDD. */
  region: string;
  city: string;
  birthDate: string;
  amount: number;
  termMonths: number;
  purpose: string;
  monthlyIncome: number;
}

export const DEMO_APPLICANTS: readonly DemoApplicant[] = [
  { subject: "demo-applicant-1", fullName: "演示用户甲", region: "110105", city: "北京", birthDate: "19880612", amount: 50000, termMonths: 12, purpose: "CONSUMPTION", monthlyIncome: 12000 },
  { subject: "demo-applicant-2", fullName: "演示用户乙", region: "310115", city: "上海", birthDate: "19920304", amount: 120000, termMonths: 24, purpose: "HOME_IMPROVEMENT", monthlyIncome: 25000 },
  { subject: "demo-applicant-3", fullName: "演示用户丙", region: "440305", city: "深圳", birthDate: "19851120", amount: 30000, termMonths: 12, purpose: "EDUCATION", monthlyIncome: 9000 },
  { subject: "demo-applicant-4", fullName: "演示用户丁", region: "510107", city: "成都", birthDate: "19790827", amount: 80000, termMonths: 36, purpose: "BUSINESS", monthlyIncome: 18000 },
  { subject: "demo-applicant-5", fullName: "演示用户戊", region: "330106", city: "杭州", birthDate: "19990115", amount: 15000, termMonths: 6, purpose: "MEDICAL", monthlyIncome: 6500 },
  { subject: "demo-applicant-6", fullName: "演示用户己", region: "420106", city: "武汉", birthDate: "19950730", amount: 200000, termMonths: 60, purpose: "CAR", monthlyIncome: 30000 },
];

/** Which applicant chooses which lender, for which categories: the sandbox's consents. */
export const DEMO_CHOICES: ReadonlyArray<{ applicant: number; lender: number; categories: string[]; withdraw?: boolean }> = [
  { applicant: 0, lender: 0, categories: ["NAME", "NATIONAL_ID", "PHONE", "EMAIL"] },
  { applicant: 1, lender: 0, categories: ["NAME", "PHONE"] },
  { applicant: 2, lender: 1, categories: ["NAME", "PHONE"] },
  { applicant: 3, lender: 0, categories: ["PHONE"], withdraw: true },
];

/** A resident ID number with a valid GB 11643-1999 check character; the sequence's last digit gives the sex. */
export function demoNationalId(applicant: DemoApplicant, index: number): string {
  const body = `${applicant.region}${applicant.birthDate}${String(100 + index * 7).padStart(3, "0")}`;
  return body + residentIdCheckChar(body);
}

/** An 11-digit number in the 144 block (13-digit IoT numbers only): valid in form, nobody's phone. */
export function demoPhone(index: number): string {
  return `1440000${String(index + 1).padStart(4, "0")}`;
}

export function demoEmail(index: number): string {
  return `demo-applicant-${index + 1}@example.com`;
}
