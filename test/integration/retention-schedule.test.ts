import { Consent } from "../../src/model/consent.entity";
import { Logger } from "../../src/logging/logger";
import { PiiCategory } from "../../src/model/pii-category";
import { scheduleRetention } from "../../src/retention/retention-schedule";
import { choose, submitApplication } from "../support/flow";
import { TestGateway } from "../support/gateway";
import { uniqueIdentity } from "../support/identities";
import { startWithPersonas } from "../support/personas";

/** RETENTION_INTERVAL_MINUTES: the in-server schedule runs the same job, on a real database. */
describe("the in-server retention schedule", () => {
  let gateway: TestGateway;
  let firstConsent: string;
  let secondConsent: string;
  const events: Array<{ event: string; fields?: Record<string, unknown> }> = [];
  const logger: Logger = {
    debug: () => undefined,
    info: (event, fields) => void events.push({ event, fields }),
    warn: (event, fields) => void events.push({ event, fields }),
    error: (event, fields) => void events.push({ event, fields }),
  };
  const runs = () => events.filter(entry => entry.event === "retention_run");
  const settings = { intervalMinutes: 5, retentionDays: 365, applicationOpenDays: 90 };

  beforeAll(async () => {
    const personas = await startWithPersonas({ lenders: ["Retain", "Keep"] });
    gateway = personas.gateway;
    const { applicant, lenders: [lender, other] } = personas;
    const applicationId = await submitApplication(gateway, applicant, uniqueIdentity());
    firstConsent = await choose(gateway, applicant, applicationId, lender.id, [PiiCategory.PHONE]);
    secondConsent = await choose(gateway, applicant, applicationId, other.id, [PiiCategory.PHONE]);
    await gateway.dataSource.getRepository(Consent).update({ id: firstConsent }, { expiresAt: new Date(Date.now() - 60_000) });
  });

  afterEach(() => jest.useRealTimers());
  afterAll(async () => gateway?.stop());

  const storedStatus = async (id: string) => (await gateway.dataSource.getRepository(Consent).findOneByOrFail({ id })).storedStatus;
  const realDelay = (ms: number) => new Promise(resolve => setTimeout(resolve, ms));
  /** The run's database work is on real time; wait for its log line (bounded: 10 s). */
  const waitForRuns = async (count: number) => {
    for (let attempt = 0; attempt < 500 && runs().length < count; attempt += 1) await realDelay(20);
  };
  // Only the interval timer is faked: database and HTTP I/O, and the first-run delay, keep their real scheduling.
  const fakeInterval = () => jest.useFakeTimers({ doNotFake: ["setImmediate", "nextTick", "queueMicrotask", "setTimeout", "clearTimeout"] });

  it("a schedule stopped before its first run never runs (twin of the next test)", async () => {
    fakeInterval();
    const schedule = scheduleRetention(gateway.dataSource, { ...settings, firstRunDelayMs: 200 }, logger);
    schedule.stop();
    await realDelay(600);
    await jest.advanceTimersByTimeAsync(60 * 60_000);
    await realDelay(100);
    expect(runs()).toHaveLength(0);
    expect(await storedStatus(firstConsent)).toBe("ACTIVE");
  });

  it("runs once shortly after start, then only every interval, and stops when told", async () => {
    fakeInterval();
    const schedule = scheduleRetention(gateway.dataSource, { ...settings, firstRunDelayMs: 100 }, logger);
    // The first run needs no interval to pass: a server restarted more often than its interval still runs retention.
    await waitForRuns(1);
    expect(runs()).toHaveLength(1);
    expect(runs()[0].fields).toMatchObject({ consentsExpired: 1, applicationsClosed: 0, applicantsErased: 0, applicationOpenDays: 90 });
    expect(await storedStatus(firstConsent)).toBe("EXPIRED");

    // Nothing more until the interval has passed.
    await gateway.dataSource.getRepository(Consent).update({ id: secondConsent }, { expiresAt: new Date(Date.now() - 60_000) });
    await jest.advanceTimersByTimeAsync(4 * 60_000);
    await realDelay(200);
    expect(runs()).toHaveLength(1);
    expect(await storedStatus(secondConsent)).toBe("ACTIVE");

    await jest.advanceTimersByTimeAsync(60_000);
    await waitForRuns(2);
    expect(runs()[1]?.fields).toMatchObject({ consentsExpired: 1 });
    expect(await storedStatus(secondConsent)).toBe("EXPIRED");

    schedule.stop();
    await jest.advanceTimersByTimeAsync(60 * 60_000);
    await realDelay(200);
    expect(runs()).toHaveLength(2);
    expect(events.filter(entry => entry.event === "retention_failed")).toEqual([]);
  });
});
