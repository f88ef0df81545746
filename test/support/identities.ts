const WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
const CHECK = "10X98765432";

/** A resident ID number with a valid GB 11643-1999 check character. */
export function residentId(region: string, birthDate: string, sequence: string): string {
  const body = `${region}${birthDate}${sequence}`;
  if (!/^\d{17}$/.test(body)) throw new Error("region(6) + birth date(8) + sequence(3) digits expected");
  const sum = [...body].reduce((total, digit, index) => total + Number(digit) * WEIGHTS[index], 0);
  return body + CHECK[sum % 11];
}

export interface TestIdentity {
  fullName: string;
  nationalId: string;
  phone: string;
  email: string;
}

let counter = 0;

/** A distinct, valid identity per call: unique strings make leak assertions meaningful. */
export function uniqueIdentity(birthDate = "19900307"): TestIdentity {
  counter += 1;
  const n = String(counter).padStart(3, "0");
  return {
    fullName: `测试人${n}号`,
    nationalId: residentId("110105", birthDate, n),
    phone: `139${String(10000000 + counter * 7919).slice(-8)}`,
    email: `canary${n}.${Date.now()}@example.com`,
  };
}
