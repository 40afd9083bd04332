export { PlaceResolver } from "./place.resolver";
export { CreatePlaceInput } from "./place.inputs";
