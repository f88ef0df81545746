import { Arg, Ctx, FieldResolver, ID, Mutation, Query, Resolver, Root } from "type-graphql";
import type { GatewayContext } from "../context";
import { Application } from "../model/application.entity";
import { Consent } from "../model/consent.entity";
import { ConsentNotice } from "../model/consent-notice.type";
import { ConsentEndReason, ConsentEndedBy, ConsentStatus } from "../model/consent-status";
import { Lender } from "../model/lender.entity";
import { PiiCategory } from "../model/pii-category";
import { ChooseLenderInput } from "./consent.inputs";
import { ConsentService } from "./consent.service";

function service(context: GatewayContext): ConsentService {
  return new ConsentService(context.dataSource);
}

function terms(context: GatewayContext) {
  return { consentTtlDays: context.consentTtlDays, retentionDays: context.retentionDays, applicationOpenDays: context.applicationOpenDays };
}

@Resolver(_of => Consent)
export class ConsentResolver {
  @Query(_returns => ConsentNotice, {
    description: "Applicant: the notice to show before chooseLender for these arguments; the consent stores it word for word. " +
      "It lists only the categories asked for that the lender is permitted; chooseLender with its categories. None permitted: BAD_USER_INPUT (CATEGORY_NOT_PERMITTED).",
  })
  consentNotice(
    @Arg("applicationId", _type => ID) applicationId: string,
    @Arg("lenderId", _type => ID) lenderId: string,
    @Arg("categories", _type => [PiiCategory]) categories: PiiCategory[],
    @Ctx() context: GatewayContext,
  ): Promise<ConsentNotice> {
    return service(context).notice(context.principal, applicationId, lenderId, categories, terms(context));
  }

  @Mutation(_returns => Consent, {
    description:
      "Applicant: choose a lender, consenting that it may read these identity categories for this application. " +
      "A category the lender is not permitted is refused (BAD_USER_INPUT on categories, CATEGORY_NOT_PERMITTED). " +
      "Repeating a choice that is already active with the same categories and notice returns that consent and writes nothing.",
  })
  chooseLender(@Arg("input") input: ChooseLenderInput, @Ctx() context: GatewayContext): Promise<Consent> {
    return service(context).choose(context.principal, input, context.now, terms(context));
  }

  @Mutation(_returns => Consent, { description: "Applicant: withdraw a consent; the lender's next request reads nothing." })
  withdrawConsent(@Arg("consentId", _type => ID) consentId: string, @Ctx() context: GatewayContext): Promise<Consent> {
    return service(context).withdraw(context.principal, consentId, context.now);
  }

  // State and ending as of the request's instant: every field of one response agrees with the
  // access decisions made in it, even for a consent that expires while the response is built.
  @FieldResolver(_returns => ConsentStatus)
  status(@Root() consent: Consent, @Ctx() context: GatewayContext): ConsentStatus {
    return consent.statusAt(context.now);
  }

  @FieldResolver(_returns => Date, { nullable: true, description: "When it ended; for an expiry, its expiry time." })
  endedAt(@Root() consent: Consent, @Ctx() context: GatewayContext): Date | null {
    return consent.endingAt(context.now).endedAt;
  }

  @FieldResolver(_returns => ConsentEndedBy, { nullable: true })
  endedBy(@Root() consent: Consent, @Ctx() context: GatewayContext): ConsentEndedBy | null {
    return consent.endingAt(context.now).endedBy;
  }

  @FieldResolver(_returns => ConsentEndReason, { nullable: true })
  endReason(@Root() consent: Consent, @Ctx() context: GatewayContext): ConsentEndReason | null {
    return consent.endingAt(context.now).endReason;
  }

  @FieldResolver(_returns => Application)
  async application(@Root() consent: Consent, @Ctx() context: GatewayContext): Promise<Application> {
    const application = await context.loaders.application.load(consent.applicationId);
    if (!application) throw new Error("consent without application");
    return application;
  }

  @FieldResolver(_returns => Lender)
  async lender(@Root() consent: Consent, @Ctx() context: GatewayContext): Promise<Lender> {
    const lender = await context.loaders.lender.load(consent.lenderId);
    if (!lender) throw new Error("consent without lender");
    return lender;
  }
}
