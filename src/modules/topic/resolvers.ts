export { TopicResolver } from "./topic.resolver";
