import { referenceResolver } from "../reference/resolvers";
import { Source } from "./source.entity";
import { CreateSourceInput, SourcesArgs, UpdateSourceInput } from "./source.inputs";

export const SourceResolver = referenceResolver({
  type: Source,
  singular: "source",
  plural: "sources",
  service: "sources",
  create: CreateSourceInput,
  update: UpdateSourceInput,
  listArgs: SourcesArgs,
  where: (a) => ({ kind: a.kind ?? undefined }),
  coverage: "sourceCoverage",
});
