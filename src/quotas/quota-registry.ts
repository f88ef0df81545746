import { DataSource } from "typeorm";
import { QuotaService } from "./quota.service";

/**
 * The quota service of the gateway serving a DataSource. The PiiGate finds it here, so that
 * charging reads needs no new constructor parameter threaded through every request context.
 */
const services = new WeakMap<DataSource, QuotaService>();

export function registerQuotaService(dataSource: DataSource, service: QuotaService): void {
  services.set(dataSource, service);
}

export function unregisterQuotaService(dataSource: DataSource): void {
  services.delete(dataSource);
}

export function quotaServiceFor(dataSource: DataSource): QuotaService | undefined {
  return services.get(dataSource);
}
