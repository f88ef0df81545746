import { Field, Int, ObjectType } from "type-graphql";
import { Consent } from "../model/consent.entity";
import { Application } from "../model/application.entity";

@ObjectType({
  description: "A copy of everything the gateway holds about the signed-in applicant (PIPL 45). " +
    "Identity values are under applications { applicant { … } }; consents carry the notice as shown.",
})
export class MyData {
  @Field({ description: "The applicant's subject, as in its token." })
  subject: string;

  @Field()
  generatedAt: Date;

  @Field(_type => Date, { nullable: true, description: "When identity values were erased, if they were." })
  identityErasedAt: Date | null;

  @Field(_type => [Application], { description: "Newest first." })
  applications: Application[];

  @Field(_type => [Consent], { description: "Every consent on those applications, with notice, ending, who ended it and why." })
  consents: Consent[];

  /** Not a field: the identity rows whose access log `accessLog` pages through. */
  applicantIds: string[];
}

@ObjectType({ description: "What an erasure did. Idempotent: a repeat reports alreadyErased and the first erasure's time." })
export class ErasureReport {
  @Field()
  erasedAt: Date;

  @Field()
  alreadyErased: boolean;

  @Field(_type => Int)
  applicationsWithdrawn: number;

  @Field(_type => Int)
  consentsTerminated: number;

  @Field(_type => Int)
  leadsClosed: number;
}
