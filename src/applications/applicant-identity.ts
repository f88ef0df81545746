import { BadUserInputError } from "../errors/gateway-error";
import { ageBand, incomeBand } from "./bands";
import type { AgeBand, IncomeBand } from "../model/bands";
import { resolveApplicantCity } from "../regions/region-lookup";
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

/** What lenders see instead of what was typed: closed vocabularies only. */
export interface DerivedFacts {
  ageBand: AgeBand;
  incomeBand: IncomeBand;
  /** The city as its GB/T 2260 code (src/regions). */
  regionCode: string;
}

/**
 * Checks what class-validator cannot (checksum, real birth date, mobile format, the city a
 * division of GB/T 2260) and returns the values as they will be stored. Errors name the field
 * and never echo the value. `submission.city` stays the text sent: with the rest of the payload
 * it is what the idempotency fingerprint covers, as it did before cities were codes.
 */
export function normalizeSubmission(input: SubmitApplicationInput, today: Date): { submission: NormalizedSubmission; derived: DerivedFacts } {
  const fullName = input.fullName.trim();
  if (fullName === "") throw new BadUserInputError("fullName", "must not be blank");
  const city = input.city.trim();
  if (city === "") throw new BadUserInputError("city", "must not be blank");
  const region = resolveApplicantCity(city);
  if (!region.ok) throw new BadUserInputError("city", region.problem, region.reason);
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
    derived: { ageBand: ageBand(age), incomeBand: incomeBand(input.monthlyIncome), regionCode: region.code },
  };
}
