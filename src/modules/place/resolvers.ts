export { PlaceResolver } from "./place.resolver";
