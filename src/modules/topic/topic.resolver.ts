import { referenceResolver } from "../reference/resolvers";
import { Topic } from "./topic.entity";
import { CreateTopicInput, TopicsArgs, UpdateTopicInput } from "./topic.inputs";

export const TopicResolver = referenceResolver({
  type: Topic,
  singular: "topic",
  plural: "topics",
  service: "topics",
  create: CreateTopicInput,
  update: UpdateTopicInput,
  listArgs: TopicsArgs,
  coverage: "topicCoverage",
});
