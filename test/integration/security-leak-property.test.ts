import fc from "fast-check";
import { MoreThan } from "typeorm";
import { AccessOutcome } from "../../src/model/pii-access.type";
import { lastRecordSeq, storedReads } from "../support/access-log";
import { PiiCategory } from "../../src/model/pii-category";
import { TestGateway } from "../support/gateway";
import { TestIdentity, uniqueIdentity } from "../support/identities";
import { WITHDRAW_CONSENT } from "../support/documents";
import { TestLender, choose, expectData, leadIdFor, submitApplication } from "../support/flow";
import { startWithPersonas } from "../support/personas";

/**
 * Queries per run: LEAK_HUNT_QUERIES, else 2,000 in CI (CI=true) and 300 locally. Read here
 * because it is a test setting, not a gateway one.
 */
const QUERIES = Number(process.env.LEAK_HUNT_QUERIES ?? (process.env.CI === "true" ? 2000 : 300));
const APPLICANTS = 10;

const FIELDS: Array<[string, PiiCategory, keyof TestIdentity]> = [
  ["fullName", PiiCategory.NAME, "fullName"],
  ["nationalId", PiiCategory.NATIONAL_ID, "nationalId"],
  ["phone", PiiCategory.PHONE, "phone"],
  ["email", PiiCategory.EMAIL, "email"],
];

interface Seeded {
  applicationId: string;
  identity: TestIdentity;
  /** Categories the hunting lender may read for this application. */
  readable: Set<PiiCategory>;
}

// ----- the query generator: lender-shaped documents with aliases, fragments, variables, repeats -----
const alias = fc.option(fc.constantFrom("a", "b", "c"), { nil: undefined });
const applicantField = fc.tuple(fc.constantFrom("fullName", "nationalId", "phone", "email", "city", "ageBand", "incomeBand", "id"), alias,
  fc.constantFrom("plain", "inline", "include", "skip"))
  .map(([field, name, wrap]) => {
    const selected = name ? `${name}_${field}: ${field}` : field;
    if (wrap === "inline") return `... on Applicant { ${selected} }`;
    if (wrap === "include") return `${selected} @include(if: $yes)`;
    if (wrap === "skip") return `${selected} @skip(if: $no)`;
    return selected;
  });
const applicantSelection = fc.uniqueArray(applicantField, { minLength: 1, maxLength: 3 }).map(fields => `{ id ${fields.join(" ")} }`);
const applicationSelection = fc.tuple(applicantSelection, fc.constantFrom("direct", "fragment", "viaLeads", "both"))
  .map(([applicant, how]) => {
    const direct = `applicant ${applicant}`;
    const viaLeads = `leads { application { id applicant ${applicant} } }`;
    if (how === "fragment") return `{ id ...AppFields } fragment_marker ${applicant}`;
    if (how === "viaLeads") return `{ id ${viaLeads} }`;
    if (how === "both") return `{ id ${direct} ${viaLeads} }`;
    return `{ id ${direct} }`;
  });
const document = fc.tuple(applicationSelection, fc.constantFrom("leads", "lead", "leadAliased"), fc.integer({ min: 1, max: 100 }))
  .map(([application, entry, first]) => {
    let selection = application;
    let fragment = "";
    const marker = selection.indexOf(" fragment_marker ");
    if (marker >= 0) {
      fragment = `fragment AppFields on Application { applicant ${selection.slice(marker + " fragment_marker ".length)} }`;
      selection = selection.slice(0, marker);
    }
    const lead = `{ id application ${selection} }`;
    const body = entry === "leads"
      ? `leads(first: $first) { edges { node ${lead} } }`
      : entry === "lead" ? `lead(id: $lead) ${lead}` : `x: lead(id: $lead) ${lead} y: lead(id: $other) { ... on Lead ${lead} }`;
    // Only the variables the document uses: an unused one is a validation error.
    const declared = ["$first: Int!", "$lead: ID!", "$other: ID!", "$yes: Boolean!", "$no: Boolean!"]
      .filter(declaration => `${body} ${fragment}`.includes(`${declaration.slice(0, declaration.indexOf(":"))})`)
        || `${body} ${fragment}`.includes(`${declaration.slice(0, declaration.indexOf(":"))} `));
    return { query: `query Hunt(${declared.join(", ")}) { ${body} } ${fragment}`, first, entry };
  });

describe(`leak hunt: ${QUERIES} generated lender queries over HTTP`, () => {
  let gateway: TestGateway;
  let hunter: TestLender;
  const seeded: Seeded[] = [];
  const leadIds: string[] = [];

  beforeAll(async () => {
    // Quotas are raised here: this suite hunts for leaks, the quota suite tests the quotas.
    let rival: TestLender;
    ({ gateway, lenders: [hunter, rival] } = await startWithPersonas({
      env: { LENDER_REQUESTS_PER_MINUTE: "1000000", LENDER_DAILY_READ_BUDGET: "100000000" }, lenders: ["Hunter", "Rival"],
    }));
    for (let index = 0; index < APPLICANTS; index++) {
      const token = await gateway.token("applicant", `hunt-${index}`);
      const identity = uniqueIdentity();
      const applicationId = await submitApplication(gateway, token, identity);
      const readable = new Set<PiiCategory>();
      // Most applicants never chose the hunter; a few chose it for some categories, one withdrew, some chose the rival.
      if (index % 3 === 0) {
        const categories = FIELDS.map(([, category]) => category).filter((_, i) => (index + i) % 2 === 0 || i === 0);
        const consentId = await choose(gateway, token, applicationId, hunter.id, categories);
        if (index === 6) expectData(await gateway.request(WITHDRAW_CONSENT, { id: consentId }, token));
        else categories.forEach(category => readable.add(category));
      }
      if (index % 2 === 1) await choose(gateway, token, applicationId, rival.id, FIELDS.map(([, category]) => category));
      seeded.push({ applicationId, identity, readable });
      leadIds.push(await leadIdFor(gateway, hunter, applicationId));
    }
  }, 120000);

  afterAll(async () => gateway?.stop());

  it("a canary appears only where its applicant consented to this lender for its category, with one GRANTED row per read", async () => {
    const canaries = seeded.flatMap(entry => FIELDS.map(([field, category, key]) => ({
      value: entry.identity[key], field, category, entry, allowed: entry.readable.has(category),
    })));
    let lastLogId = await lastRecordSeq(gateway.dataSource);
    let expectedGranted = new Set<string>();
    let runs = 0;
    let shown = 0;

    // The access log is checked per batch of queries (one SELECT per batch, not per query).
    async function checkLog(): Promise<void> {
      const rows = (await storedReads(gateway.dataSource, { seq: MoreThan(lastLogId) })).filter(read => read.outcome === AccessOutcome.GRANTED);
      lastLogId = await lastRecordSeq(gateway.dataSource);
      const counted = new Map<string, number>();
      for (const row of rows) counted.set(`${row.applicationId}:${row.field}`, (counted.get(`${row.applicationId}:${row.field}`) ?? 0) + 1);
      const expected = new Map<string, number>();
      for (const key of expectedGranted) {
        const pair = key.slice(key.indexOf(":") + 1);
        expected.set(pair, (expected.get(pair) ?? 0) + 1);
      }
      expect(Object.fromEntries(counted)).toEqual(Object.fromEntries(expected));
      expectedGranted = new Set();
    }

    await fc.assert(
      fc.asyncProperty(document, fc.nat({ max: APPLICANTS - 1 }), fc.nat({ max: APPLICANTS - 1 }), async (generated, one, other) => {
        runs += 1;
        const variables = { first: generated.first, lead: leadIds[one], other: leadIds[other], yes: true, no: false };
        const result = await gateway.request(generated.query, variables, hunter.apiKey);
        expect(result.status).toBe(200);
        for (const error of result.body.errors ?? []) expect(["FORBIDDEN"]).toContain(error.extensions?.code);
        for (const canary of canaries) {
          if (!result.text.includes(canary.value)) continue;
          // A leak is a canary outside its consent; each shown value is one read of this request.
          expect({ leaked: canary.field, allowed: canary.allowed }).toEqual({ leaked: canary.field, allowed: true });
          expectedGranted.add(`${runs}:${canary.entry.applicationId}:${canary.field}`);
          shown += 1;
        }
        if (runs % 100 === 0) await checkLog();
      }),
      { numRuns: QUERIES, endOnFailure: true },
    );
    await checkLog();
    // Not vacuous: consented values were shown (and the rest withheld) along the way.
    expect(shown).toBeGreaterThan(0);
  }, 600000);
});
