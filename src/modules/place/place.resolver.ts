import { referenceResolver } from "../reference/resolvers";
import { Place } from "./place.entity";
import { CreatePlaceInput, PlacesArgs, UpdatePlaceInput } from "./place.inputs";

export const PlaceResolver = referenceResolver({
  type: Place,
  singular: "place",
  plural: "places",
  service: "places",
  create: CreatePlaceInput,
  update: UpdatePlaceInput,
  listArgs: PlacesArgs,
  coverage: "placeCoverage",
});
