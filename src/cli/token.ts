import { loadConfig } from "../config";
import { isRoleClaim, signDevelopmentToken } from "../auth/jwt";

/** `npm run token -- --role admin|applicant [--sub ID] [--expires 12h]`: a token signed with the configured secret. */
async function main(args: string[]): Promise<void> {
  const option = (name: string) => {
    const index = args.indexOf(`--${name}`);
    return index >= 0 ? args[index + 1] : undefined;
  };
  const role = option("role");
  if (!role || !isRoleClaim(role)) {
    process.stderr.write("usage: npm run token -- --role admin|applicant [--sub ID] [--expires 12h]\n");
    process.exit(2);
  }
  const subject = option("sub") ?? (role === "admin" ? "admin" : "applicant-1");
  const config = loadConfig();
  if (config.nodeEnv === "production") {
    process.stderr.write("refusing to mint tokens with NODE_ENV=production\n");
    process.exit(2);
  }
  process.stdout.write((await signDevelopmentToken(config.jwtSecret, role, subject, option("expires") ?? "12h", config.security)) + "\n");
}

void main(process.argv.slice(2));
