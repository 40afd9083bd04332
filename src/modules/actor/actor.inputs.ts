import { ArrayMaxSize, IsOptional, IsString, MaxLength } from "class-validator";
import { ArgsType, Field, InputType } from "type-graphql";
import { ActorKind } from "../../shared/enums";
import { NameField, PatternField, SlugField, TextField } from "../../shared/input-fields";
import { PageArgs } from "../../shared/pagination";

const WIKIDATA = /^Q[1-9]\d*$/;
const WIKIDATA_MESSAGE = "wikidataId must look like Q123";

/** Other names the actor is known by. */
const AliasesField = (): PropertyDecorator => (target, key) => {
  Field(() => [String], { nullable: true })(target, key);
  IsOptional()(target, key);
  ArrayMaxSize(50)(target, key);
  IsString({ each: true })(target, key);
  MaxLength(200, { each: true })(target, key);
};

@InputType()
export class CreateActorInput {
  @SlugField() slug!: string;
  @NameField() name!: string;
  @Field(() => ActorKind) kind!: ActorKind;
  @TextField(2000) description?: string | null;
  @AliasesField() aliases?: string[] | null;
  @PatternField(WIKIDATA, WIKIDATA_MESSAGE) wikidataId?: string | null;
}

@InputType()
export class UpdateActorInput {
  @SlugField({ optional: true }) slug?: string;
  @NameField({ optional: true }) name?: string;
  @Field(() => ActorKind, { nullable: true }) kind?: ActorKind;
  @TextField(2000) description?: string | null;
  @AliasesField() aliases?: string[];
  @PatternField(WIKIDATA, WIKIDATA_MESSAGE) wikidataId?: string | null;
}

@ArgsType()
export class ActorsArgs extends PageArgs {
  @Field(() => ActorKind, { nullable: true }) kind?: ActorKind | null;
  @TextField(100, "Part of the name.") search?: string | null;
}
