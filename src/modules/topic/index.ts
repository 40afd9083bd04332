export { Topic } from "./topic.entity";
export { TopicResolver } from "./topic.resolver";
