import { connectionType } from "../common/relay-pagination";
import { PiiAccess } from "../model/pii-access.type";

/** A page of the access log, as `myAccessLog`, `myData.accessLog` and `auditLog` return it. */
export const PiiAccessConnection = connectionType(PiiAccess, "PiiAccess");
