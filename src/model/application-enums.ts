import { registerEnumType } from "type-graphql";

export enum LoanPurpose {
  CONSUMPTION = "CONSUMPTION",
  EDUCATION = "EDUCATION",
  MEDICAL = "MEDICAL",
  BUSINESS = "BUSINESS",
  HOME_IMPROVEMENT = "HOME_IMPROVEMENT",
  CAR = "CAR",
  OTHER = "OTHER",
}

/** SUBMITTED -> WITHDRAWN (by the applicant) or CLOSED (a lender reported it funded, or retention closed it after APPLICATION_OPEN_DAYS idle). */
export enum ApplicationStatus {
  SUBMITTED = "SUBMITTED",
  WITHDRAWN = "WITHDRAWN",
  CLOSED = "CLOSED",
}

registerEnumType(LoanPurpose, { name: "LoanPurpose" });
registerEnumType(ApplicationStatus, {
  name: "ApplicationStatus",
  description: "SUBMITTED: open for offers and choice; WITHDRAWN: by the applicant; CLOSED: funded, or closed after a long time with no activity.",
});
