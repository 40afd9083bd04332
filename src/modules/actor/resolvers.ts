export { ActorResolver, ActorPerspectivesResolver } from "./actor.resolver";
