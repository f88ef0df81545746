/** GraphQL documents the suites share: one definition each, so a contract change is mended once. */
export const CREATE_LENDER = `mutation($input: CreateLenderInput!) { createLender(input: $input) { id name status permittedCategories } }`;
export const SET_PERMISSIONS = `mutation($id: ID!, $categories: [PiiCategory!]!) {
  setFieldPermissions(lenderId: $id, categories: $categories) { id permittedCategories } }`;
export const ISSUE_KEY = `mutation($id: ID!, $label: String) { issueApiKey(lenderId: $id, label: $label) { secret apiKey { id prefix label } } }`;
export const SUBMIT = `mutation($input: SubmitApplicationInput!, $key: String!) {
  submitApplication(input: $input, idempotencyKey: $key) { id status amount } }`;
export const CHOOSE = `mutation($input: ChooseLenderInput!) {
  chooseLender(input: $input) { id status categories grantedAt expiresAt } }`;
export const WITHDRAW_CONSENT = `mutation($id: ID!) { withdrawConsent(consentId: $id) { id status endedAt } }`;
export const LEADS_WITH_IDENTITY = `query { leads(first: 100) { edges { node { id status application { id applicant {
  id city regionCode ageBand incomeBand fullName nationalId phone email } } } } } }`;
export const SET_STATUS = `mutation($id: ID!, $status: LenderStatus!) { setLenderStatus(lenderId: $id, status: $status) { id status } }`;
export const REVOKE_KEY = `mutation($id: ID!) { revokeApiKey(id: $id) { id revokedAt } }`;
export const OFFER = `mutation($input: MakeOfferInput!) { makeOffer(input: $input) {
  id apr amount termMonths expiresAt lead { id status } } }`;
export const OUTCOME = `mutation($input: ReportOutcomeInput!) { reportOutcome(input: $input) { id status fundedAmount } }`;
export const WITHDRAW_APPLICATION = `mutation($id: ID!) { withdrawApplication(id: $id) { id status } }`;
export const ERASE = `mutation { eraseMyData { erasedAt alreadyErased applicationsWithdrawn consentsTerminated leadsClosed } }`;
export const NOTICE_FIELDS = "recipientLegalName recipientContact purpose categories retention howToWithdraw noticeVersion text";
export const NOTICE = `query($a: ID!, $l: ID!, $c: [PiiCategory!]!) { consentNotice(applicationId: $a, lenderId: $l, categories: $c) { ${NOTICE_FIELDS} } }`;
export const APPROVE_CHANGE = `mutation($id: ID!) { approveAdminChange(id: $id) { id kind status requestedBy decidedBy } }`;
export const REJECT_CHANGE = `mutation($id: ID!) { rejectAdminChange(id: $id) { id kind status requestedBy decidedBy } }`;
export const PENDING_CHANGES = `query($id: ID!) { lender(id: $id) { id permittedCategories status pendingChanges { id kind summary requestedBy status } } }`;
