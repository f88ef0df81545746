import { GraphQLError, GraphQLScalarType, Kind } from "graphql";

export interface ClosedVocabulary {
  /** The scalar's name in the SDL, e.g. `AgeBand`. */
  name: string;
  description: string;
  /** Whether `value` is one of the vocabulary's words. */
  isMember(value: string): boolean;
}

/**
 * A string scalar that only ever carries a word of a closed vocabulary. On the wire it is a
 * plain JSON string; serialize refuses anything else, so a free-text value that reached the
 * database some other way is never sent to a lender (the field errors instead). Errors name the
 * scalar, never the value: the value could be anything a client typed.
 */
export function closedVocabularyScalar(vocabulary: ClosedVocabulary): GraphQLScalarType<string, string> {
  const refuse = (): never => {
    throw new GraphQLError(`${vocabulary.name} cannot represent a value outside its vocabulary`);
  };
  const check = (value: unknown): string => (typeof value === "string" && vocabulary.isMember(value) ? value : refuse());
  return new GraphQLScalarType<string, string>({
    name: vocabulary.name,
    description: vocabulary.description,
    serialize: check,
    parseValue: check,
    parseLiteral: node => (node.kind === Kind.STRING ? check(node.value) : refuse()),
  });
}
