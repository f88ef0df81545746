import { type Credentials, apiKeyCredentials, loadSigningKey, privateKeyCredentials } from "./credentials";
import { GatewayClient } from "./gateway-client";
import { runWalkthrough } from "./walkthrough";

/**
 * `npm run walkthrough -w examples/lender`: one pass of the walk-through against a gateway,
 * printing its report (no identity value) as one JSON line.
 *
 *   GATEWAY_URL               the gateway's origin (default http://localhost:4000)
 *   LENDER_API_KEY            development: a platform-issued key (lk_…), or
 *   LENDER_ID + LENDER_PRIVATE_KEY_FILE   the lender's id and its PKCS#8 PEM private key
 *   GATEWAY_ISSUER            the assertion's audience (default: GATEWAY_URL)
 *   PAGE_SIZE                 leads a page (default 50)
 */
async function main(): Promise<void> {
  const origin = (process.env.GATEWAY_URL ?? "http://localhost:4000").replace(/\/+$/, "");
  const client = new GatewayClient({ graphqlUrl: `${origin}/graphql`, credentials: await credentialsFromEnvironment(origin) });
  const report = await runWalkthrough(client, { pageSize: process.env.PAGE_SIZE ? Number(process.env.PAGE_SIZE) : undefined });
  process.stdout.write(JSON.stringify(report) + "\n");
}

async function credentialsFromEnvironment(origin: string): Promise<Credentials> {
  const { LENDER_API_KEY, LENDER_ID, LENDER_PRIVATE_KEY_FILE, GATEWAY_ISSUER } = process.env;
  if (LENDER_ID && LENDER_PRIVATE_KEY_FILE) {
    const key = await loadSigningKey(LENDER_PRIVATE_KEY_FILE);
    return privateKeyCredentials({ gatewayOrigin: origin, audience: GATEWAY_ISSUER ?? origin, lenderId: LENDER_ID, key });
  }
  if (LENDER_API_KEY) return apiKeyCredentials(LENDER_API_KEY);
  throw new Error("set LENDER_API_KEY, or LENDER_ID and LENDER_PRIVATE_KEY_FILE");
}

main().catch((error: unknown) => {
  process.stderr.write(`walkthrough failed: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
