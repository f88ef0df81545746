import { Consent } from "../../src/consents/consent.entity";
import { Logger } from "../../src/logger";
import { PiiCategory } from "../../src/privacy/pii-category";
import { scheduleRetention } from "../../src/retention/retention-schedule";
import { choose, onboardLender, submitApplication } from "../support/flow";
import { TestGateway, startTestGateway } from "../support/gateway";
import { uniqueIdentity } from "../support/identities";

/** RETENTION_INTERVAL_MINUTES: the in-server schedule runs the same job, on a real database. */
describe("the in-server retention schedule", () => {
  let gateway: TestGateway;
  let consentId: string;
  const events: Array<{ event: string; fields?: Record<string, unknown> }> = [];
  const logger: Logger = {
    debug: () => undefined,
    info: (event, fields) => void events.push({ event, fields }),
    warn: (event, fields) => void events.push({ event, fields }),
    error: (event, fields) => void events.push({ event, fields }),
  };

  beforeAll(async () => {
    gateway = await startTestGateway();
    const admin = await gateway.token("admin", "ops-retention");
    const applicant = await gateway.token("applicant", "retention-schedule");
    const lender = await onboardLender(gateway, admin, "Retain");
    const applicationId = await submitApplication(gateway, applicant, uniqueIdentity());
    consentId = await choose(gateway, applicant, applicationId, lender.id, [PiiCategory.PHONE]);
    await gateway.dataSource.getRepository(Consent).update({ id: consentId }, { expiresAt: new Date(Date.now() - 60_000) });
  });

  afterAll(async () => {
    jest.useRealTimers();
    await gateway?.stop();
  });

  const storedStatus = async () => (await gateway.dataSource.getRepository(Consent).findOneByOrFail({ id: consentId })).storedStatus;

  it("does nothing before the interval has passed, then records the expiry on the next tick, and stops when told", async () => {
    // Only the interval timer is faked: database and HTTP I/O keep their real scheduling.
    jest.useFakeTimers({ doNotFake: ["setImmediate", "nextTick", "queueMicrotask", "setTimeout", "clearTimeout"] });
    const schedule = scheduleRetention(gateway.dataSource, 5, 365, logger);
    await jest.advanceTimersByTimeAsync(4 * 60_000);
    expect(events.filter(entry => entry.event === "retention_run")).toHaveLength(0);
    expect(await storedStatus()).toBe("ACTIVE");

    await jest.advanceTimersByTimeAsync(60_000);
    // The tick's database work runs on real time; wait for its log line (bounded: 5 s).
    for (let attempt = 0; attempt < 250 && !events.some(entry => entry.event === "retention_run"); attempt += 1) {
      await new Promise(resolve => setTimeout(resolve, 20));
    }
    expect(events.find(entry => entry.event === "retention_run")?.fields).toMatchObject({ consentsExpired: 1 });
    expect(await storedStatus()).toBe("EXPIRED");

    schedule.stop();
    await jest.advanceTimersByTimeAsync(60 * 60_000);
    expect(events.filter(entry => entry.event === "retention_run")).toHaveLength(1);
  });
});
