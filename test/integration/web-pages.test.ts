import { type TestGateway, startTestGateway } from "../support/gateway";

/**
 * The built console and privacy centre as the gateway serves them (what a browser does with
 * them is test/browser/). These need web/dist, which `npm install` builds.
 */
describe("serving /console/ and /privacy/", () => {
  let gateway: TestGateway;
  let origin: string;

  beforeAll(async () => {
    gateway = await startTestGateway();
    origin = new URL(gateway.url).origin;
  });
  afterAll(() => gateway?.stop());

  it.each(["console", "privacy"])("/%s/ and any page under it is the app; the path without its slash redirects there", async app => {
    const page = await fetch(`${origin}/${app}/some/page?x=1`);
    expect(page.status).toBe(200);
    expect(page.headers.get("content-type")).toBe("text/html; charset=utf-8");
    expect(page.headers.get("cache-control")).toBe("no-store");
    expect(page.headers.get("x-content-type-options")).toBe("nosniff");
    expect(page.headers.get("referrer-policy")).toBe("no-referrer");
    const html = await page.text();
    expect(html).toContain(`/${app}/assets/`);

    const bare = await fetch(`${origin}/${app}?next=1`, { redirect: "manual" });
    expect(bare.status).toBe(308);
    expect(bare.headers.get("location")).toBe(`/${app}/?next=1`);
  });

  it("serves the hashed assets for good, and nothing outside the app's assets", async () => {
    const html = await (await fetch(`${origin}/console/`)).text();
    const script = /src="(\/console\/assets\/[^"]+\.js)"/.exec(html)?.[1];
    expect(script).toBeDefined();
    const asset = await fetch(`${origin}${script}`);
    expect(asset.status).toBe(200);
    expect(asset.headers.get("content-type")).toBe("text/javascript; charset=utf-8");
    expect(asset.headers.get("cache-control")).toContain("immutable");

    for (const path of [
      "/console/assets/../../../package.json",
      "/console/assets/%2e%2e/%2e%2e/%2e%2e/package.json",
      "/console/assets/..%2f..%2f..%2fpackage.json",
      "/console/assets/missing.js",
      "/console/assets/index.html",
      "/privacy/assets/",
    ]) {
      const response = await fetch(`${origin}${path}`);
      // The URL parser resolves dot segments before the gateway sees them: such a path is the
      // app's index.html (200, no file content), or a 404; never a file from elsewhere.
      const text = await response.text();
      expect(text).not.toContain("lead-referral-gateway");
      if (response.status === 200) expect(text).toContain("<div id=\"root\">");
      else expect(response.status).toBe(404);
    }
  });

  it("config.json tells the page how to sign in: outside production, a pasted token", async () => {
    for (const app of ["console", "privacy"]) {
      const response = await fetch(`${origin}/${app}/config.json`);
      expect(response.status).toBe(200);
      expect(response.headers.get("cache-control")).toBe("no-store");
      expect(await response.json()).toEqual({ signIn: { kind: "token" } });
    }
  });

  it("answers only GET and HEAD, and leaves every other path to the rest of the gateway", async () => {
    const post = await fetch(`${origin}/console/`, { method: "POST", body: "x" });
    expect(post.status).toBe(405);
    expect(post.headers.get("allow")).toBe("GET, HEAD");
    const head = await fetch(`${origin}/privacy/`, { method: "HEAD" });
    expect(head.status).toBe(200);
    expect(await head.text()).toBe("");
    expect((await fetch(`${origin}/consoles/`)).status).toBe(404);
    expect((await fetch(`${origin}/healthz`)).status).toBe(200);
  });
});
