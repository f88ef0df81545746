import { classifyAddress, parseWebhookUrl } from "../../src/webhooks/url-policy";
import { retryAfterMs } from "../../src/webhooks/delivery-attempt";

describe("the webhook address classifier", () => {
  it.each([
    ["127.0.0.1", "loopback"], ["127.255.0.9", "loopback"], ["::1", "loopback"],
    ["10.0.0.1", "private"], ["172.16.0.1", "private"], ["172.31.255.255", "private"], ["192.168.1.1", "private"],
    ["169.254.169.254", "link-local"], ["fe80::1", "link-local"],
    ["100.64.0.1", "shared"], ["100.127.255.254", "shared"],
    ["fc00::1", "unique-local"], ["fd12:3456::1", "unique-local"],
    ["224.0.0.1", "multicast"], ["ff02::1", "multicast"],
    ["0.0.0.0", "unspecified"], ["::", "unspecified"],
    ["::ffff:127.0.0.1", "loopback"], ["::ffff:10.1.2.3", "private"], ["::ffff:a9fe:a9fe", "link-local"], ["[::ffff:192.168.0.1]", "private"], ["::7f00:1", "reserved"], ["::a9fe:a9fe", "reserved"], ["::127.0.0.1", "reserved"],
    ["192.0.2.10", "reserved"], ["198.18.0.1", "reserved"], ["240.0.0.1", "reserved"], ["255.255.255.255", "reserved"],
    ["2001:db8::1", "reserved"], ["64:ff9b::a00:1", "reserved"], ["2002:a00:1::1", "reserved"],
    ["not an address", "reserved"],
  ])("%s is %s", (address, kind) => {
    expect(classifyAddress(address)).toBe(kind);
  });

  it.each([
    "93.184.215.14", "8.8.8.8", "1.1.1.1", "172.32.0.1", "100.128.0.1", "192.169.0.1", "2606:4700:4700::1111", "::ffff:8.8.8.8",
  ])("%s is public (the positive twins of the ranges above)", address => {
    expect(classifyAddress(address)).toBe("public");
  });
});

describe("the webhook URL's form", () => {
  const strict = { allowPrivate: false };
  const permissive = { allowPrivate: true };

  it("needs https unless private URLs are allowed, where http is accepted too", () => {
    expect(() => parseWebhookUrl("http://lender.example/hooks", strict)).toThrow(expect.objectContaining({ extensions: expect.objectContaining({ reason: "SCHEME_NOT_ALLOWED", field: "url" }) }));
    expect(parseWebhookUrl("https://lender.example/hooks", strict).host).toBe("lender.example");
    expect(parseWebhookUrl("http://localhost:3000/hooks", permissive).port).toBe("3000");
    expect(() => parseWebhookUrl("ftp://lender.example/hooks", permissive)).toThrow(expect.objectContaining({ extensions: expect.objectContaining({ reason: "SCHEME_NOT_ALLOWED" }) }));
  });

  it("refuses credentials, fragments, relative and over-long URLs", () => {
    for (const [url, reason] of [
      ["https://user:pw@lender.example/", "CREDENTIALS_IN_URL"], ["https://lender.example/#x", "NOT_A_URL"], ["/hooks", "NOT_A_URL"],
      [`https://lender.example/${"a".repeat(2048)}`, "NOT_A_URL"],
    ]) {
      expect(() => parseWebhookUrl(url, permissive)).toThrow(expect.objectContaining({ extensions: expect.objectContaining({ reason }) }));
    }
  });
});

describe("Retry-After", () => {
  const now = new Date("2026-01-01T00:00:00Z");
  it("reads seconds and HTTP dates, caps at a day, and ignores what it cannot read", () => {
    expect(retryAfterMs("3", now)).toBe(3000);
    expect(retryAfterMs("Thu, 01 Jan 2026 00:00:10 GMT", now)).toBe(10_000);
    expect(retryAfterMs("999999", now)).toBe(86_400_000);
    expect(retryAfterMs("soon", now)).toBeNull();
    expect(retryAfterMs(undefined, now)).toBeNull();
  });
});
