import { createLogger } from "../../src/logging/logger";
import { REDACTED, redactDeep } from "../../src/logging/log-redaction";

const CANARY = { fullName: "金丝雀", nationalId: "11010519491231002X", phone: "13812345678", email: "canary@example.com" };
const API_KEY = "lk_0123456789abcdef_AbCdEfGhIjKlMnOpQrStUvWxYz0123456789abcdefg";

function captured(level: "debug" | "info" = "debug") {
  const lines: string[] = [];
  return { logger: createLogger(level, line => lines.push(line)), lines };
}

describe("log redaction", () => {
  it("writes JSON lines with time, level, event and the fields given", () => {
    const { logger, lines } = captured();
    logger.info("graphql_request", { requestId: "r-1", durationMs: 12, outcome: "ok" });
    const record = JSON.parse(lines[0]);
    expect(record).toMatchObject({ level: "info", event: "graphql_request", requestId: "r-1", durationMs: 12, outcome: "ok" });
    expect(typeof record.time).toBe("string");
  });

  it("respects the level (silent writes nothing; debug is dropped at info)", () => {
    const silent = captured();
    createLogger("silent", line => silent.lines.push(line)).error("x");
    expect(silent.lines).toEqual([]);
    const info = captured("info");
    info.logger.debug("dropped");
    info.logger.info("kept");
    expect(info.lines.map(line => JSON.parse(line).event)).toEqual(["kept"]);
  });

  it("redacts identity and credential keys at any depth", () => {
    const { logger, lines } = captured();
    logger.debug("careless", { request: { headers: { authorization: `Bearer ${API_KEY}` }, variables: { input: CANARY } }, ...CANARY, apiKey: API_KEY });
    const text = lines.join("");
    for (const value of [...Object.values(CANARY), API_KEY]) expect(text).not.toContain(value);
    expect(JSON.parse(lines[0]).request.headers.authorization).toBe(REDACTED);
  });

  it("redacts identity-shaped values inside free text", () => {
    const webhookSecret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
    const scrubbed = redactDeep({ note: `id ${CANARY.nationalId} phone +86${CANARY.phone} mail ${CANARY.email} key ${API_KEY} signing ${webhookSecret}` }) as { note: string };
    for (const value of [CANARY.nationalId, CANARY.phone, CANARY.email, API_KEY, webhookSecret]) expect(scrubbed.note).not.toContain(value);
  });

  it("positive twin: ids, codes, counts and durations pass unchanged", () => {
    const fields = { requestId: "5f0c", principalKind: "lender", principalId: "2b7e", operation: "leads", durationMs: 31, outcome: "ok" };
    expect(redactDeep(fields)).toEqual(fields);
  });
});
