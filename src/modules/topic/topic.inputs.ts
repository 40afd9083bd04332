import { ArgsType, InputType } from "type-graphql";
import { NameField, PatternField, SlugField, TextField } from "../../shared/input-fields";
import { PageArgs } from "../../shared/pagination";

const IPTC = /^medtop:\d{8}$/;
const IPTC_MESSAGE = "iptcCode must look like medtop:20000587";

@InputType()
export class CreateTopicInput {
  @SlugField() slug!: string;
  @NameField() name!: string;
  @TextField(2000) description?: string | null;
  @PatternField(IPTC, IPTC_MESSAGE, "IPTC Media Topic, e.g. medtop:20000587") iptcCode?: string | null;
}

@InputType()
export class UpdateTopicInput {
  @SlugField({ optional: true }) slug?: string;
  @NameField({ optional: true }) name?: string;
  @TextField(2000) description?: string | null;
  @PatternField(IPTC, IPTC_MESSAGE) iptcCode?: string | null;
}

@ArgsType()
export class TopicsArgs extends PageArgs {
  @TextField(100, "Part of the name.") search?: string | null;
}
