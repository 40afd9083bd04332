import { Field, Float, ID, ObjectType, registerEnumType } from "type-graphql";

export enum SuggestionKind {
  ACTOR = "ACTOR",
  SOURCE = "SOURCE",
}
registerEnumType(SuggestionKind, { name: "SuggestionKind", description: "What a suggestion points to." });

@ObjectType({ simpleResolvers: true, description: "An actor or source whose name matches what the reader is typing." })
export class Suggestion {
  @Field(() => SuggestionKind)
  kind!: SuggestionKind;

  @Field(() => ID)
  id!: string;

  @Field(() => String)
  name!: string;

  @Field(() => String, { description: "For actor(slug:) or source(slug:)." })
  slug!: string;

  @Field(() => Float, { description: "Trigram similarity of the input to the name (or to a part of it), 0 to 1." })
  score!: number;
}
