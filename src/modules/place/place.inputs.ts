import { IsLatitude, IsLongitude, IsOptional } from "class-validator";
import { ArgsType, Field, Float, InputType } from "type-graphql";
import { NameField, PatternField, SlugField, TextField } from "../../shared/input-fields";
import { PageArgs } from "../../shared/pagination";

const COUNTRY = /^[A-Z]{2}$/;
const COUNTRY_MESSAGE = "countryCode must be two capital letters, e.g. VE";
const GEONAMES = /^\d{1,10}$/;

const Latitude = (): PropertyDecorator => (t, k) => {
  Field(() => Float, { nullable: true })(t, k);
  IsOptional()(t, k);
  IsLatitude()(t, k);
};
const Longitude = (): PropertyDecorator => (t, k) => {
  Field(() => Float, { nullable: true })(t, k);
  IsOptional()(t, k);
  IsLongitude()(t, k);
};

@InputType()
export class CreatePlaceInput {
  @SlugField() slug!: string;
  @NameField() name!: string;
  @PatternField(COUNTRY, COUNTRY_MESSAGE, "ISO 3166-1 alpha-2, e.g. VE") countryCode?: string | null;
  @Latitude() latitude?: number | null;
  @Longitude() longitude?: number | null;
  @PatternField(GEONAMES, "geonamesId must be digits") geonamesId?: string | null;
}

@InputType()
export class UpdatePlaceInput {
  @SlugField({ optional: true }) slug?: string;
  @NameField({ optional: true }) name?: string;
  @PatternField(COUNTRY, COUNTRY_MESSAGE) countryCode?: string | null;
  @Latitude() latitude?: number | null;
  @Longitude() longitude?: number | null;
  @PatternField(GEONAMES, "geonamesId must be digits") geonamesId?: string | null;
}

@ArgsType()
export class PlacesArgs extends PageArgs {
  @TextField(100, "Part of the name.") search?: string | null;
}
