export { ActorResolver, ActorPerspectivesResolver } from "./actor.resolver";
export { CreateActorInput } from "./actor.inputs";
