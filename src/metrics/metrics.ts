import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from "prom-client";

/**
 * The gateway's Prometheus metrics, one registry per process. Every label value comes from a
 * closed set (schema field names, error codes, denial reasons, categories): nothing a client
 * sends, no identity and no key material can become a label, and the series count stays bounded.
 */
export const metricsRegistry = new Registry();
collectDefaultMetrics({ register: metricsRegistry, prefix: "gateway_" });

/** Requests to /graphql by operation (root field) and outcome (`ok` or the first error code). */
export const graphqlRequests = new Counter({
  name: "gateway_graphql_requests_total",
  help: "GraphQL requests by operation and outcome",
  labelNames: ["operation", "outcome"] as const,
  registers: [metricsRegistry],
});

/** Seconds from receiving a /graphql request to its response being written. */
export const graphqlRequestDuration = new Histogram({
  name: "gateway_graphql_request_duration_seconds",
  help: "GraphQL request latency in seconds by operation and outcome",
  labelNames: ["operation", "outcome"] as const,
  buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
  registers: [metricsRegistry],
});

/** Lender reads of identity fields, as decided and audited by the PII gate. */
export const identityReads = new Counter({
  name: "gateway_identity_reads_total",
  help: "Lender reads of identity fields by outcome (GRANTED/DENIED), denial reason and category",
  labelNames: ["outcome", "reason", "category"] as const,
  registers: [metricsRegistry],
});

/**
 * Transactions re-run because the engine asked for it (a deadlock, a lock-wait timeout, a Galera
 * certification failure), by the operation (root field) they served, `background` outside a request.
 */
export const transactionRetries = new Counter({
  name: "gateway_transaction_retries_total",
  help: "Transactions re-run after a deadlock, lock-wait timeout or certification failure, by operation",
  labelNames: ["operation"] as const,
  registers: [metricsRegistry],
});

/** Identity reads withheld because their audit record could not be written. */
export const identityAuditFailures = new Counter({
  name: "gateway_identity_audit_failures_total",
  help: "Batches of identity reads withheld because the access log write failed",
  registers: [metricsRegistry],
});

/**
 * Refusals by a quota (`RATE_LIMITED`), by the error's `extensions.reason` (REQUEST_RATE,
 * DAILY_READ_BUDGET). Counted from the response by the request metrics, so the quota code need
 * not know about metrics; never labelled with a key, id or address.
 */
export const quotaRejections = new Counter({
  name: "gateway_quota_rejections_total",
  help: "Requests or identity reads rejected by a quota, by reason",
  labelNames: ["reason"] as const,
  registers: [metricsRegistry],
});

/** Reasons a quota may give; anything else is counted as `other`, so the label stays bounded. */
const QUOTA_REASON = /^[A-Z][A-Z_]{0,39}$/;

export function countQuotaRejection(reason: unknown): void {
  quotaRejections.inc({ reason: typeof reason === "string" && QUOTA_REASON.test(reason) ? reason : "other" });
}

/** Records appended to the transparency log by this instance's sequencer. */
export const transparencyLeaves = new Counter({
  name: "gateway_transparency_leaves_total",
  help: "Records appended to the transparency log as leaves by this instance",
  registers: [metricsRegistry],
});

/** Seconds from a record's write to its leaf: TRANSPARENCY_MERGE_DELAY_SECONDS is the promise. */
export const transparencyMergeDelay = new Histogram({
  name: "gateway_transparency_merge_delay_seconds",
  help: "Seconds from an access record, admin action or admin change being written to its leaf in the transparency log",
  buckets: [0.05, 0.1, 0.25, 0.5, 1, 2, 5, 10, 30, 60],
  registers: [metricsRegistry],
});

/** Seconds this instance's sequencer spent in passes that appended leaves: leaves / busy seconds is its capacity. */
export const transparencySequencerBusy = new Counter({
  name: "gateway_transparency_sequencer_busy_seconds_total",
  help: "Seconds spent in sequencer passes that appended leaves (capacity = leaves appended / these seconds)",
  registers: [metricsRegistry],
});

/** Seconds the oldest record waiting for its leaf had waited at the last pass: should stay under TRANSPARENCY_MERGE_DELAY_SECONDS. */
export const transparencyBacklogAge = new Gauge({
  name: "gateway_transparency_backlog_age_seconds",
  help: "Seconds the oldest record without a leaf had waited when the sequencer last looked (0: none waiting); alert well above the merge delay",
  registers: [metricsRegistry],
});

/** Records whose stored row could not be encoded and were logged as `unreadable` leaves: rows edited outside the gateway. */
export const transparencyUnreadableRecords = new Counter({
  name: "gateway_transparency_unreadable_records_total",
  help: "Records appended as unreadable leaves because their stored row could not be encoded (edited outside the gateway)",
  registers: [metricsRegistry],
});

/** Sequencer passes that failed (the database unreachable, or a stored tree that no longer hashes to its head). */
export const transparencySequencerFailures = new Counter({
  name: "gateway_transparency_sequencer_failures_total",
  help: "Sequencer passes that failed; the log line transparency_sequencer_failed names the error",
  registers: [metricsRegistry],
});

/** Requests that failed because the database was unreachable (`SERVICE_UNAVAILABLE`). */
export const databaseUnavailable = new Counter({
  name: "gateway_database_unavailable_total",
  help: "Requests or probes that found the database unreachable",
  registers: [metricsRegistry],
});

/** Counts one audited batch of lender reads; `reason` is `none` for a granted read. */
export function countIdentityReads(reads: ReadonlyArray<{ category: string; allowed: boolean; reason?: string }>): void {
  for (const read of reads) {
    identityReads.inc({ outcome: read.allowed ? "GRANTED" : "DENIED", reason: read.allowed ? "none" : read.reason ?? "unknown", category: read.category });
  }
}

/**
 * Webhook delivery attempts by outcome: `delivered`, or the failure (`http_status`, `redirect`,
 * `timeout`, `connection_failed`, `address_refused`, `endpoint_disabled`). No lender or URL label.
 */
export const webhookDeliveryAttempts = new Counter({
  name: "gateway_webhook_delivery_attempts_total",
  help: "Webhook delivery attempts by outcome (delivered or the failure's reason)",
  labelNames: ["outcome"] as const,
  registers: [metricsRegistry],
});

/** Deliveries given up (retries exhausted, endpoint gone or disabled). */
export const webhookDeliveriesFailed = new Counter({
  name: "gateway_webhook_deliveries_failed_total",
  help: "Webhook deliveries given up: the retry schedule ran out or the endpoint was disabled",
  registers: [metricsRegistry],
});

export const webhookQueueAge = new Gauge({
  name: "gateway_webhook_queue_age_seconds",
  help: "Seconds the oldest due, undelivered webhook delivery had waited past its due time when this instance last looked (0: none due)",
  registers: [metricsRegistry],
});

export const webhookDeliveryPassFailures = new Counter({
  name: "gateway_webhook_delivery_pass_failures_total",
  help: "Webhook delivery passes that failed (the database, most likely); the log line webhook_delivery_failed names the error",
  registers: [metricsRegistry],
});
