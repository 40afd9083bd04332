import { describe, expect, it } from "vitest";
import { GENRES } from "../../src/modules/syndication";
import { GENRE_TYPE } from "../../src/modules/syndication/jsonld";
import { Genre } from "../../src/shared/enums";

/*
 * Every genre's IPTC Genre NewsCode (ninjs `genres`, JSON-LD `genre`) and schema.org type, pinned.
 * The codes are concept ids of http://cv.iptc.org/newscodes/genre/ as the vocabulary spells them
 * (https://www.iptc.org/std-dev/NewsCodes/treeview/genre-en-GB.html); a code the vocabulary does
 * not have (FromTheScene was one) is a genre a partner's system cannot read.
 */
describe("genre mapping", () => {
  it("maps each genre to its IPTC genre concept and schema.org type", () => {
    const table = Object.fromEntries(
      Object.values(Genre).map((g) => [g, { iptc: GENRES[g].uri, name: GENRES[g].name, type: GENRE_TYPE[g] }]),
    );
    expect(table).toEqual({
      [Genre.NEWS]: { iptc: "http://cv.iptc.org/newscodes/genre/Current", name: "Current", type: "NewsArticle" },
      [Genre.ANALYSIS]: { iptc: "http://cv.iptc.org/newscodes/genre/Analysis", name: "Analysis", type: "AnalysisNewsArticle" },
      [Genre.OPINION]: { iptc: "http://cv.iptc.org/newscodes/genre/Opinion", name: "Opinion", type: "OpinionNewsArticle" },
      [Genre.BACKGROUND]: {
        iptc: "http://cv.iptc.org/newscodes/genre/Background",
        name: "Background",
        type: "BackgroundNewsArticle",
      },
      [Genre.REPORTAGE]: {
        iptc: "http://cv.iptc.org/newscodes/genre/From_the_Scene",
        name: "From the Scene",
        type: "ReportageNewsArticle",
      },
      [Genre.REVIEW]: { iptc: "http://cv.iptc.org/newscodes/genre/Review", name: "Review", type: "ReviewNewsArticle" },
    });
  });
});
