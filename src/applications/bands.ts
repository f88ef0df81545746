import type { AgeBand, IncomeBand } from "../model/bands";

export function ageBand(age: number): AgeBand {
  if (age < 18) return 'UNDER_18';
  if (age < 25) return '18-24';
  if (age < 35) return '25-34';
  if (age < 45) return '35-44';
  if (age < 55) return '45-54';
  if (age < 65) return '55-64';
  return '65+';
}

export function incomeBand(monthlyIncomeCny: number): IncomeBand {
  if (monthlyIncomeCny < 3000) return 'UNDER_3000';
  if (monthlyIncomeCny < 6000) return '3000_5999';
  if (monthlyIncomeCny < 10000) return '6000_9999';
  if (monthlyIncomeCny < 20000) return '10000_19999';
  if (monthlyIncomeCny < 50000) return '20000_49999';
  return '50000_PLUS';
}
