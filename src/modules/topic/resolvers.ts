export { TopicResolver } from "./topic.resolver";
export { CreateTopicInput } from "./topic.inputs";
