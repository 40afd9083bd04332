export { Actor } from "./actor.entity";
export { ActorResolver, ActorPerspectivesResolver } from "./actor.resolver";
