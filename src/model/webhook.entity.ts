import { Field, ID, Int, ObjectType } from "type-graphql";
import { Column, Entity, PrimaryColumn } from "typeorm";
import { TIMESTAMP } from "./columns";
import {
  LenderEventType, WebhookAttemptFailure, WebhookDeliveryStatus, WebhookDisabledReason, WebhookEndpointStatus, decodeEventTypes,
} from "./webhook-vocabulary";

@ObjectType({ description: "Where a lender receives its events, signed as Standard Webhooks says. Its secret is never shown again after registration or rotation." })
@Entity("webhook_endpoints")
export class WebhookEndpoint {
  @Field(_type => ID)
  @PrimaryColumn({ type: "varchar", length: 36 })
  id: string;

  @Column({ name: "lender_id", type: "varchar", length: 36 })
  lenderId: string;

  @Field({ description: "The lender's own receiver URL, as registered." })
  @Column({ type: "varchar", length: 2048 })
  url: string;

  /** The subscribed events' names, sorted, comma-separated. */
  @Column({ name: "events", type: "varchar", length: 200 })
  eventsStored: string;

  @Field(_type => WebhookEndpointStatus)
  @Column({ type: "varchar", length: 16 })
  status: WebhookEndpointStatus;

  /** The signing secret (`whsec_…`), sealed with the identity key (src/privacy/encryption.ts). Never a @Field. */
  @Column({ name: "secret_sealed", type: "text" })
  secretSealed: string;

  /** The secret a rotation replaced, sealed; it signs too until `previousSecretExpiresAt`. */
  @Column({ name: "previous_secret_sealed", type: "text", nullable: true })
  previousSecretSealed: string | null;

  @Column({ name: "previous_secret_expires_at", ...TIMESTAMP, nullable: true })
  previousSecretExpiresAt: Date | null;

  @Field()
  @Column({ name: "created_at", ...TIMESTAMP })
  createdAt: Date;

  @Field(_type => Date, { nullable: true, description: "The last attempt that got a 2xx." })
  @Column({ name: "last_success_at", ...TIMESTAMP, nullable: true })
  lastSuccessAt: Date | null;

  @Field(_type => Date, { nullable: true, description: "The last attempt that failed." })
  @Column({ name: "last_failure_at", ...TIMESTAMP, nullable: true })
  lastFailureAt: Date | null;

  /** The first failure since the last success; null while deliveries succeed. Five days of it disable the endpoint. */
  @Column({ name: "failing_since", ...TIMESTAMP, nullable: true })
  failingSince: Date | null;

  @Field(_type => Date, { nullable: true })
  @Column({ name: "disabled_at", ...TIMESTAMP, nullable: true })
  disabledAt: Date | null;

  @Field(_type => WebhookDisabledReason, { nullable: true })
  @Column({ name: "disabled_reason", type: "varchar", length: 32, nullable: true })
  disabledReason: WebhookDisabledReason | null;

  @Field(_type => [LenderEventType])
  get events(): LenderEventType[] {
    return decodeEventTypes(this.eventsStored);
  }
}

@ObjectType({ description: "A webhook endpoint just registered or given a new secret: the secret appears here only, once." })
export class RegisteredWebhookEndpoint {
  @Field({ description: "`whsec_` and the base64 key: give it to your Standard Webhooks library to verify deliveries." })
  secret: string;

  @Field(_type => WebhookEndpoint)
  endpoint: WebhookEndpoint;
}

/**
 * One event for one lender, written in the transaction of the change it reports (the outbox).
 * `payload` is the exact body every delivery of it sends; its id is the `webhook-id`.
 */
@Entity("lender_events")
export class LenderEvent {
  @PrimaryColumn({ type: "varchar", length: 36 })
  id: string;

  @Column({ name: "lender_id", type: "varchar", length: 36 })
  lenderId: string;

  @Column({ type: "varchar", length: 32 })
  type: LenderEventType;

  /** `{"type","timestamp","data"}` as sent: ids, statuses, categories, reasons only. */
  @Column({ type: "text" })
  payload: string;

  @Column({ name: "created_at", ...TIMESTAMP })
  createdAt: Date;
}

@ObjectType({ description: "One event on its way to one endpoint, with its attempts so far." })
@Entity("webhook_deliveries")
export class WebhookDelivery {
  @Field(_type => ID)
  @PrimaryColumn({ type: "varchar", length: 36 })
  id: string;

  @Field(_type => ID, { description: "The event: the `webhook-id` header of every attempt, retries and redeliveries alike." })
  @Column({ name: "event_id", type: "varchar", length: 36 })
  eventId: string;

  @Field(_type => LenderEventType)
  @Column({ name: "event_type", type: "varchar", length: 32 })
  eventType: LenderEventType;

  @Field(_type => ID)
  @Column({ name: "endpoint_id", type: "varchar", length: 36 })
  endpointId: string;

  @Column({ name: "lender_id", type: "varchar", length: 36 })
  lenderId: string;

  @Field(_type => WebhookDeliveryStatus)
  @Column({ type: "varchar", length: 16 })
  status: WebhookDeliveryStatus;

  @Field(_type => Int, { description: "Attempts made so far." })
  @Column({ type: "int", default: 0 })
  attempts: number;

  @Field(_type => Date, { nullable: true, description: "When the next attempt is due (PENDING only)." })
  @Column({ name: "next_attempt_at", ...TIMESTAMP })
  nextAttemptAt: Date;

  /** Which gateway instance is attempting it, until `leaseUntil`: taken by a conditional UPDATE. */
  @Column({ name: "lease_owner", type: "varchar", length: 36, nullable: true })
  leaseOwner: string | null;

  @Column({ name: "lease_until", ...TIMESTAMP, nullable: true })
  leaseUntil: Date | null;

  @Field(_type => Date, { nullable: true })
  @Column({ name: "last_attempt_at", ...TIMESTAMP, nullable: true })
  lastAttemptAt: Date | null;

  @Field(_type => Int, { nullable: true, description: "The HTTP status of the last attempt, when one was received." })
  @Column({ name: "last_response_status", type: "int", nullable: true })
  lastResponseStatus: number | null;

  @Field(_type => WebhookAttemptFailure, { nullable: true })
  @Column({ name: "last_failure", type: "varchar", length: 32, nullable: true })
  lastFailure: WebhookAttemptFailure | null;

  @Field(_type => Date, { nullable: true })
  @Column({ name: "delivered_at", ...TIMESTAMP, nullable: true })
  deliveredAt: Date | null;

  @Field()
  @Column({ name: "created_at", ...TIMESTAMP })
  createdAt: Date;
}
