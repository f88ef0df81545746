import { BadUserInputError } from "../errors/gateway-error";
import { ageBand, incomeBand } from "./bands";
import { ageOn, isPlausibleEmail, normalizeMainlandMobile, parseResidentId } from "../common/identity-validation";
import type { SubmitApplicationInput } from "./application.inputs";

/** The adult age of majority for a credit contract. */
const MINIMUM_AGE = 18;

export interface NormalizedSubmission {
  amount: number;
  termMonths: number;
  purpose: string;
  city: string;
  monthlyIncome: number;
  fullName: string;
  nationalId: string;
  phone: string;
  email: string | null;
}

export interface DerivedBands {
  ageBand: string;
  incomeBand: string;
}

/**
 * Checks what class-validator cannot (checksum, real birth date, mobile format) and returns the
 * values as they will be stored. Errors name the field and never echo the value.
 */
export function normalizeSubmission(input: SubmitApplicationInput, today: Date): { submission: NormalizedSubmission; bands: DerivedBands } {
  const fullName = input.fullName.trim();
  if (fullName === "") throw new BadUserInputError("fullName", "must not be blank");
  const city = input.city.trim();
  if (city === "") throw new BadUserInputError("city", "must not be blank");
  const residentId = parseResidentId(input.nationalId, today);
  if (!residentId.ok) throw new BadUserInputError("nationalId", residentId.problem);
  const age = ageOn(residentId.birthDate, today);
  if (age < MINIMUM_AGE) throw new BadUserInputError("nationalId", `applicant must be at least ${MINIMUM_AGE}`);
  const phone = normalizeMainlandMobile(input.phone);
  if (!phone.ok) throw new BadUserInputError("phone", phone.problem);
  const email = input.email === undefined || input.email === null || input.email.trim() === "" ? null : input.email.trim();
  if (email !== null && !isPlausibleEmail(email)) throw new BadUserInputError("email", "is not an e-mail address");
  return {
    submission: {
      amount: input.amount,
      termMonths: input.termMonths,
      purpose: input.purpose,
      city,
      monthlyIncome: input.monthlyIncome,
      fullName,
      nationalId: residentId.normalized,
      phone: phone.normalized,
      email,
    },
    bands: { ageBand: ageBand(age), incomeBand: incomeBand(input.monthlyIncome) },
  };
}
