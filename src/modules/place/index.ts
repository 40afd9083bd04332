export { Place } from "./place.entity";
export { PlaceResolver } from "./place.resolver";
