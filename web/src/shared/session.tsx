import { createContext, useContext } from "react";
import type { Role } from "../generated/graphql";

/**
 * Who is signed in. The token lives here, in the page's memory, and nowhere else: never in
 * localStorage or sessionStorage, where any script of the origin (or a later user of the machine)
 * could read it. Reloading the page signs out.
 */
export interface Session {
  token: string;
  subject: string;
  role: Role;
  /** Milliseconds since the epoch; the session ends by itself then. */
  expiresAt: number | null;
  signOut(): void;
}

export const SessionContext = createContext<Session | null>(null);

export function useSession(): Session {
  const session = useContext(SessionContext);
  if (!session) throw new Error("useSession outside a signed-in page");
  return session;
}
