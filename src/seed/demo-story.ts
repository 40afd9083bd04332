/**
 * Demo story for Newsgraph.
 *
 * Models the shared seed report (/work/shared/seeds/000_3d9fcad785006ce7.txt)
 * on reported US talks about an amnesty for Nicolás Maduro in exchange for an
 * early exit, together with related coverage. Facts carry over from the seed
 * and the public record; every headline, body, claim and perspective is
 * written in the project's own words.
 *
 * The editor credential below is for the local demo only.
 */
import {
  ActorKind,
  ActorRole,
  ClaimStatus,
  CorrectionKind,
  Genre,
  Language,
  SourceKind,
  Sourcing,
  Stance,
} from "../shared/enums";

export interface DemoArticle {
  slug: string; // lowercase-hyphen, 3..120 chars, unique
  headline: string; // plain text, <= 300 chars
  standfirst: string; // plain text, 1-2 sentences
  byline: string; // e.g. "Newsgraph staff"
  bodyMarkdown: string; // Markdown: paragraphs, maybe one "## " subheading, maybe a > blockquote; no raw HTML
  language: Language;
  genre: Genre;
  dateline: string | null; // a place slug from places[]
  topics: string[]; // topic slugs
  citations: { source: string; attribution: string; sourcing: Sourcing }[]; // source slug
  actors: { actor: string; role: ActorRole }[]; // actor slug; an actor may appear once per role
  claims: { statement: string; status: ClaimStatus; sources: string[]; actors: string[] }[]; // sources MUST be among this article's citations' sources
  perspectives: {
    holderActor?: string;
    holderLabel?: string;
    stance: Stance;
    summary: string;
    keyPoints: string[];
    about: string;
  }[]; // holderActor (slug) or holderLabel (or both)
  state: "published" | "draft" | "unpublished" | "published-with-pending-edit";
  publishedAt?: string; // ISO 8601 with Z; required unless state is "draft"
  pendingEdit?: { headline?: string; bodyMarkdown?: string }; // only for "published-with-pending-edit": an edit to the working copy that readers must NOT see
  unpublishReason?: string; // only for "unpublished"
  corrections?: { kind: CorrectionKind; text: string }[]; // only on published articles
}
export interface DemoData {
  editor: { email: string; displayName: string; password: string }; // demo-only editor account; password >= 12 chars
  topics: { slug: string; name: string; description: string; iptcCode: string | null }[]; // iptcCode like "medtop:20000587" (8 digits) only where you are confident of a real IPTC Media Topic code, else null
  places: { slug: string; name: string; countryCode: string; latitude: number; longitude: number; geonamesId: string | null }[];
  sources: { slug: string; name: string; kind: SourceKind; url: string | null; description: string }[];
  actors: { slug: string; name: string; kind: ActorKind; description: string; aliases: string[]; wikidataId: string | null }[]; // wikidataId like "Q57271" only where confident, else null
  articles: DemoArticle[];
}

export const DEMO: DemoData = {
  editor: {
    email: "editor@newsgraph.example",
    displayName: "Demo Editor",
    password: "newsgraph-demo-editor",
  },

  topics: [
    {
      slug: "political-transition",
      name: "Political transition",
      description: "Changes of leadership and government, negotiated exits and the handover of power.",
      iptcCode: null,
    },
    {
      slug: "narcotics-charges",
      name: "Narcotics charges",
      description: "Criminal cases involving drug trafficking, including US prosecutions of foreign officials.",
      iptcCode: "medtop:20000095",
    },
    {
      slug: "oil",
      name: "Oil",
      description: "Crude oil reserves, production, exports and the companies and governments that control them.",
      iptcCode: "medtop:20001243",
    },
    {
      slug: "migration",
      name: "Migration",
      description: "People leaving their home countries, the routes they take and the policies of host countries.",
      iptcCode: "medtop:20000771",
    },
    {
      slug: "elections",
      name: "Elections",
      description: "Votes, electoral authorities, disputed results and the campaigns around them.",
      iptcCode: "medtop:20000574",
    },
    {
      slug: "diplomacy",
      name: "Diplomacy",
      description: "Negotiations between governments, mediation and back-channel contacts.",
      iptcCode: "medtop:20000639",
    },
    {
      slug: "sanctions",
      name: "Sanctions",
      description: "Economic and financial restrictions imposed by one country or bloc on another, and their easing.",
      iptcCode: "medtop:20000642",
    },
    {
      slug: "armed-forces",
      name: "Armed forces",
      description: "Military institutions, their leadership and their role in politics.",
      iptcCode: "medtop:20000599",
    },
  ],

  places: [
    {
      slug: "washington",
      name: "Washington, D.C.",
      countryCode: "US",
      latitude: 38.8951,
      longitude: -77.0364,
      geonamesId: "4140963",
    },
    {
      slug: "caracas",
      name: "Caracas",
      countryCode: "VE",
      latitude: 10.488,
      longitude: -66.8792,
      geonamesId: "3646738",
    },
    {
      slug: "doha",
      name: "Doha",
      countryCode: "QA",
      latitude: 25.2854,
      longitude: 51.531,
      geonamesId: "290030",
    },
    {
      slug: "bogota",
      name: "Bogotá",
      countryCode: "CO",
      latitude: 4.6097,
      longitude: -74.0817,
      geonamesId: "3688689",
    },
  ],

  sources: [
    {
      slug: "wall-street-journal",
      name: "The Wall Street Journal",
      kind: SourceKind.NEWS_OUTLET,
      url: "https://www.wsj.com",
      description: "US daily newspaper based in New York, focused on business, economics and politics.",
    },
    {
      slug: "us-department-of-justice-indictment-2020",
      name: "US Department of Justice indictment, 2020",
      kind: SourceKind.DOCUMENT,
      url: null,
      description:
        "Charging documents made public in March 2020 in which federal prosecutors accused Nicolás Maduro and other current and former Venezuelan officials of narco-terrorism, drug trafficking and related offences.",
    },
    {
      slug: "us-department-of-justice",
      name: "US Department of Justice",
      kind: SourceKind.GOVERNMENT,
      url: "https://www.justice.gov",
      description: "The federal department responsible for enforcing US law; its announcements and press conferences.",
    },
    {
      slug: "us-department-of-state",
      name: "US Department of State",
      kind: SourceKind.GOVERNMENT,
      url: "https://www.state.gov",
      description: "The US foreign ministry; its statements, reward offers and briefings.",
    },
    {
      slug: "us-department-of-the-treasury",
      name: "US Department of the Treasury",
      kind: SourceKind.GOVERNMENT,
      url: "https://home.treasury.gov",
      description: "The US finance ministry, whose Office of Foreign Assets Control administers sanctions and issues licences.",
    },
    {
      slug: "white-house",
      name: "The White House",
      kind: SourceKind.GOVERNMENT,
      url: "https://www.whitehouse.gov",
      description: "Office of the President of the United States; presidential statements.",
    },
    {
      slug: "reuters",
      name: "Reuters",
      kind: SourceKind.WIRE,
      url: "https://www.reuters.com",
      description: "International news agency headquartered in London.",
    },
    {
      slug: "opec-annual-statistical-bulletin",
      name: "OPEC Annual Statistical Bulletin",
      kind: SourceKind.DATASET,
      url: "https://www.opec.org",
      description:
        "Yearly data from the Organization of the Petroleum Exporting Countries on members' reserves, production and exports.",
    },
    {
      slug: "r4v-venezuela-displacement-figures",
      name: "R4V figures on refugees and migrants from Venezuela",
      kind: SourceKind.DATASET,
      url: "https://www.r4v.info",
      description:
        "Counts of Venezuelans living abroad compiled by the Inter-Agency Coordination Platform for Refugees and Migrants from Venezuela, co-led by UNHCR and IOM, from host-government data.",
    },
    {
      slug: "venezuela-national-electoral-council",
      name: "National Electoral Council of Venezuela (CNE)",
      kind: SourceKind.GOVERNMENT,
      url: null,
      description: "Venezuela's electoral authority; its official result announcements.",
    },
    {
      slug: "opposition-tally-sheets-2024",
      name: "Opposition-collected tally sheets, 2024 presidential election",
      kind: SourceKind.DOCUMENT,
      url: null,
      description:
        "Voting-machine tally sheets gathered by opposition witnesses after the July 2024 vote and published online by the opposition.",
    },
    {
      slug: "carter-center",
      name: "The Carter Center",
      kind: SourceKind.ORGANISATION,
      url: "https://www.cartercenter.org",
      description:
        "US non-profit organisation that observes elections; it sent a technical mission to Venezuela's 2024 presidential vote.",
    },
  ],

  actors: [
    {
      slug: "nicolas-maduro",
      name: "Nicolás Maduro",
      kind: ActorKind.PERSON,
      description:
        "President of Venezuela since 2013, when he succeeded Hugo Chávez. He previously served as foreign minister and vice-president.",
      aliases: ["Nicolas Maduro", "Nicolás Maduro Moros", "Maduro"],
      wikidataId: null,
    },
    {
      slug: "maduro-inner-circle",
      name: "Maduro's inner circle",
      kind: ActorKind.POLITICAL_GROUP,
      description:
        "Senior Venezuelan officials and aides close to Nicolás Maduro, several of whom were charged alongside him by US prosecutors in 2020.",
      aliases: ["Maduro aides", "senior Venezuelan officials"],
      wikidataId: null,
    },
    {
      slug: "us-government",
      name: "United States government",
      kind: ActorKind.GOVERNMENT,
      description: "The federal government of the United States, which sets US policy toward Venezuela.",
      aliases: ["Washington", "US administration", "Federal Government of the United States"],
      wikidataId: "Q48525",
    },
    {
      slug: "us-department-of-justice",
      name: "US Department of Justice",
      kind: ActorKind.GOVERNMENT,
      description:
        "The US federal department responsible for enforcing the law. Its prosecutors brought narco-terrorism charges against Nicolás Maduro in 2020.",
      aliases: ["Justice Department", "DOJ"],
      wikidataId: "Q1553390",
    },
    {
      slug: "donald-trump",
      name: "Donald Trump",
      kind: ActorKind.PERSON,
      description: "US president from 2017 to 2021 and the Republican Party's nominee in the 2024 presidential election.",
      aliases: ["Trump", "Donald J. Trump"],
      wikidataId: "Q22686",
    },
    {
      slug: "republican-party",
      name: "Republican Party",
      kind: ActorKind.POLITICAL_GROUP,
      description: "One of the two major political parties in the United States.",
      aliases: ["Republicans", "GOP"],
      wikidataId: "Q29468",
    },
    {
      slug: "venezuelan-armed-forces",
      name: "National Bolivarian Armed Forces of Venezuela",
      kind: ActorKind.ARMED_FORCE,
      description:
        "Venezuela's military, known by its Spanish initials FANB. It includes the army, navy, air force and National Guard.",
      aliases: ["FANB", "Fuerza Armada Nacional Bolivariana", "Venezuelan armed forces"],
      wikidataId: null,
    },
    {
      slug: "international-mediators",
      name: "International mediators",
      kind: ActorKind.ORGANISATION,
      description:
        "Third-party governments and organisations that have hosted or facilitated contacts between Venezuela's government, its opponents and Washington.",
      aliases: ["mediators"],
      wikidataId: null,
    },
    {
      slug: "venezuela",
      name: "Venezuela",
      kind: ActorKind.COUNTRY,
      description: "South American country on the Caribbean coast, with Caracas as its capital.",
      aliases: ["Bolivarian Republic of Venezuela"],
      wikidataId: "Q717",
    },
    {
      slug: "qatar",
      name: "Qatar",
      kind: ActorKind.COUNTRY,
      description: "Gulf state whose capital, Doha, has hosted confidential contacts between US and Venezuelan officials.",
      aliases: ["State of Qatar"],
      wikidataId: "Q846",
    },
    {
      slug: "colombia",
      name: "Colombia",
      kind: ActorKind.COUNTRY,
      description: "Venezuela's western neighbour and the country hosting the largest number of Venezuelans abroad.",
      aliases: ["Republic of Colombia"],
      wikidataId: "Q739",
    },
    {
      slug: "edmundo-gonzalez",
      name: "Edmundo González Urrutia",
      kind: ActorKind.PERSON,
      description: "Retired Venezuelan diplomat who was the main opposition candidate in the July 2024 presidential election.",
      aliases: ["Edmundo González"],
      wikidataId: null,
    },
    {
      slug: "venezuelan-opposition",
      name: "Venezuelan opposition",
      kind: ActorKind.POLITICAL_GROUP,
      description:
        "Parties opposed to Maduro's government, grouped in 2024 in the Unitary Platform, which backed Edmundo González for president.",
      aliases: ["Unitary Platform", "Plataforma Unitaria Democrática"],
      wikidataId: null,
    },
    {
      slug: "national-electoral-council",
      name: "National Electoral Council of Venezuela",
      kind: ActorKind.GOVERNMENT,
      description: "Venezuela's electoral authority, which organises votes and announces official results.",
      aliases: ["CNE", "Consejo Nacional Electoral"],
      wikidataId: null,
    },
    {
      slug: "pdvsa",
      name: "Petróleos de Venezuela",
      kind: ActorKind.ORGANISATION,
      description: "Venezuela's state-owned oil company.",
      aliases: ["PDVSA"],
      wikidataId: null,
    },
    {
      slug: "chevron",
      name: "Chevron",
      kind: ActorKind.ORGANISATION,
      description: "US oil company that operates in Venezuela through joint ventures with PDVSA.",
      aliases: ["Chevron Corporation"],
      wikidataId: null,
    },
    {
      slug: "vladimir-padrino-lopez",
      name: "Vladimir Padrino López",
      kind: ActorKind.PERSON,
      description: "Venezuelan general who has served as defence minister since 2014.",
      aliases: ["Padrino López"],
      wikidataId: null,
    },
  ],

  articles: [
    // 1. The main story, modelled from the seed report.
    {
      slug: "us-weighed-amnesty-for-maduro-in-exchange-for-early-exit",
      headline: "US weighed amnesty for Maduro and aides if he quits before his term ends, report says",
      standfirst:
        "According to The Wall Street Journal, which cites people with knowledge of the talks, Washington has considered dropping drug-trafficking charges if Nicolás Maduro leaves office before his term ends in January 2025.",
      byline: "Newsgraph staff",
      bodyMarkdown: [
        "The United States has held discreet discussions about offering Nicolás Maduro and several people close to him an amnesty if the Venezuelan leader agrees to give up power before his current term runs out in January 2025, according to The Wall Street Journal. The newspaper based its account on people familiar with the conversations who were not identified.",
        "Under the ideas described in the report, Washington could abandon the narco-terrorism case that the US Justice Department brought in 2020 against Maduro and a group of senior officials. The proposal is said to rest on the view among US officials that Maduro lost Venezuela's most recent presidential election, and that the result is clear and can be demonstrated, which they see as grounds for a handover that avoids bloodshed.",
        "None of the governments involved has publicly confirmed the details, and Newsgraph has not independently verified the account.",
        "## A refusal in Doha",
        "The idea is not new, according to the Journal. Confidential contacts took place in Doha, the Qatari capital, last year, and Maduro is reported to have turned down an amnesty there, telling the other side that he saw no reason to change course.",
        "The report suggests US negotiators were prepared to set the criminal case aside if Maduro stepped down and ended his long standoff with Washington. Whether any offer still stands, and on what terms, is unclear.",
        "The calculation could change after the US presidential election in November. The Journal adds that a second Trump administration could reshape any negotiation, and that Republicans would be expected to favour tougher pressure on Caracas, which could slow or halt any rapprochement. How that debate is settled in Washington may decide whether the talks resume, stall or give way to renewed confrontation.",
        "## What Washington stands to gain",
        "Earlier coverage in American media set out the interests at stake for the United States. Venezuela holds the largest proven crude reserves in the world, and a steadier relationship with Caracas could matter for supply at a time when energy markets have been unsettled by the wars in Ukraine and the Middle East. Reducing the number of Venezuelans who leave home and travel north, often without legal authorisation, has also been a recurring concern for US policymakers.",
        "Observers caution that any arrangement would involve more than a straightforward exchange. Some question whether a deal struck with a foreign government respects Venezuelan sovereignty and the choice of Venezuelan voters. Critics argue that an exit brokered from abroad could become a model for how outside powers treat embattled governments, and would put Venezuela's institutions under strain while the economy remains fragile.",
        "Analysts are divided on the merits. Supporters of a negotiated departure say a well-planned handover could keep the region stable and create space for new elections, dialogue and gradual reform. Sceptics warn that guarantees offered too early, or hedged with too many conditions, could strengthen those who resist democratic rule, or set off fresh protests if Venezuelans come to regard the deal as lacking legitimacy or as imposed by foreigners.",
        "On either view, a great deal would depend on how succession is managed, on the position taken by the National Bolivarian Armed Forces, and on how quickly reforms follow. Lifting the legal threat hanging over Maduro and his officials would also have to be weighed against calls for accountability from Venezuelans who have endured hyperinflation, shortages and years of political turmoil.",
        "Any path forward would depend on several conditions: whether Caracas accepts terms linked to changes in how the country is governed, how much backing the approach has in US politics, and whether international mediators can guarantee that the process is fair and open.",
      ].join("\n\n"),
      language: Language.EN,
      genre: Genre.NEWS,
      dateline: "washington",
      topics: ["political-transition", "narcotics-charges", "diplomacy", "oil", "migration", "elections"],
      citations: [
        {
          source: "wall-street-journal",
          attribution: "citing people briefed on the negotiations who were not named",
          sourcing: Sourcing.ANONYMOUS,
        },
        {
          source: "us-department-of-justice-indictment-2020",
          attribution: "indictment made public by federal prosecutors in March 2020",
          sourcing: Sourcing.DOCUMENT,
        },
      ],
      actors: [
        { actor: "nicolas-maduro", role: ActorRole.SUBJECT },
        { actor: "maduro-inner-circle", role: ActorRole.SUBJECT },
        { actor: "us-government", role: ActorRole.PARTY },
        { actor: "us-department-of-justice", role: ActorRole.MENTIONED },
        { actor: "donald-trump", role: ActorRole.MENTIONED },
        { actor: "republican-party", role: ActorRole.MENTIONED },
        { actor: "venezuelan-armed-forces", role: ActorRole.MENTIONED },
        { actor: "international-mediators", role: ActorRole.MENTIONED },
        { actor: "venezuela", role: ActorRole.MENTIONED },
        { actor: "qatar", role: ActorRole.MENTIONED },
      ],
      claims: [
        {
          statement:
            "The United States held talks on offering Nicolás Maduro an amnesty if he stepped down before his term ends in January 2025.",
          status: ClaimStatus.REPORTED,
          sources: ["wall-street-journal"],
          actors: ["us-government", "nicolas-maduro"],
        },
        {
          statement:
            "Maduro rejected an amnesty offer during confidential talks in Doha in 2023 and said his position had not changed.",
          status: ClaimStatus.REPORTED,
          sources: ["wall-street-journal"],
          actors: ["nicolas-maduro", "qatar"],
        },
        {
          statement: "The US Justice Department charged Maduro and senior Venezuelan officials with narco-terrorism in 2020.",
          status: ClaimStatus.CONFIRMED,
          sources: ["us-department-of-justice-indictment-2020"],
          actors: ["us-department-of-justice", "nicolas-maduro", "maduro-inner-circle"],
        },
        {
          statement: "Washington could drop the 2020 charges against Maduro and some of his officials if he leaves office early.",
          status: ClaimStatus.REPORTED,
          sources: ["wall-street-journal"],
          actors: ["us-government", "nicolas-maduro", "maduro-inner-circle"],
        },
        {
          statement:
            "The specific terms discussed, including which officials an amnesty would cover, have not been publicly confirmed by any of the parties.",
          status: ClaimStatus.UNVERIFIED,
          sources: ["wall-street-journal"],
          actors: ["us-government", "nicolas-maduro"],
        },
        {
          statement:
            "A Trump victory in the November 2024 US election could change the course of any talks, with Republicans likely to favour a tougher approach to Caracas.",
          status: ClaimStatus.REPORTED,
          sources: ["wall-street-journal"],
          actors: ["donald-trump", "republican-party"],
        },
      ],
      perspectives: [
        {
          holderLabel: "Analysts favouring a negotiated exit",
          stance: Stance.SUPPORTS,
          summary:
            "A departure agreed in advance could keep Venezuela and its neighbours stable while opening the way to new elections and reform.",
          keyPoints: [
            "An agreed handover lowers the risk of violence during a change of government.",
            "Lifting the threat of prosecution gives Maduro and his aides a reason to leave rather than dig in.",
            "A planned transition leaves room for fresh elections, dialogue between rival camps and step-by-step reform.",
          ],
          about: "a negotiated exit for Maduro",
        },
        {
          holderLabel: "Sceptics of early concessions",
          stance: Stance.CAUTIONS,
          summary:
            "Guarantees offered too soon, or wrapped in too many conditions, could strengthen opponents of democratic rule and provoke unrest if Venezuelans regard it as lacking legitimacy or as driven from abroad.",
          keyPoints: [
            "Immunity granted before power actually changes hands removes the main source of leverage.",
            "A complex, conditional package gives hardliners room to stall and reinterpret terms.",
            "A settlement seen as foreign-made could trigger protests rather than calm them.",
          ],
          about: "the timing and conditions of an amnesty offer",
        },
        {
          holderLabel: "Critics",
          stance: Stance.OPPOSES,
          summary:
            "An exit arranged by a foreign power would set a precedent for outside intervention and put Venezuela's own institutions to the test.",
          keyPoints: [
            "Decisions about who governs Venezuela belong to Venezuelans and their institutions.",
            "A deal brokered from abroad could become a template for pressuring other governments.",
            "Weak courts and electoral bodies may struggle to give such a deal lasting legitimacy.",
          ],
          about: "sovereignty and the precedent of a foreign-brokered exit",
        },
        {
          holderLabel: "Security and governance analysts",
          stance: Stance.MIXED,
          summary:
            "Whatever is agreed, the stance of the armed forces and the speed of reforms will decide whether a transition holds.",
          keyPoints: [
            "The military's leadership has so far stood by Maduro, and its cooperation would be needed for any handover.",
            "Reforms that come too slowly could erode public support, while abrupt changes could unsettle the security forces.",
            "Clear sequencing of succession, elections and reforms would reduce the room for disputes.",
          ],
          about: "the armed forces and the pace of reform",
        },
        {
          holderActor: "republican-party",
          holderLabel: "Republicans",
          stance: Stance.OPPOSES,
          summary:
            "Republicans are expected to favour sustained pressure on Maduro rather than guarantees for him, according to the report.",
          keyPoints: [
            "A change of administration in January 2025 could end any offer on the table.",
            "Pressure rather than inducements is the approach the party is expected to back.",
          ],
          about: "a harder line on Caracas",
        },
      ],
      state: "published",
      publishedAt: "2024-08-12T14:30:00Z",
    },

    // 2. Background: the 2020 charges.
    {
      slug: "us-charges-maduro-and-senior-officials-with-narco-terrorism",
      headline: "US charges Maduro and senior Venezuelan officials with narco-terrorism",
      standfirst:
        "Federal prosecutors accuse Venezuela's leader of working with Colombian guerrillas to move cocaine toward the United States. The State Department is offering up to $15 million for information leading to his arrest or conviction.",
      byline: "Newsgraph staff",
      bodyMarkdown: [
        "The US Justice Department on Thursday announced criminal charges against Nicolás Maduro and more than a dozen current and former Venezuelan officials, accusing them of narco-terrorism, drug trafficking, corruption and related crimes.",
        "The main indictment, made public in federal court in New York, alleges that Maduro and close allies conspired with leaders of the Revolutionary Armed Forces of Colombia, the guerrilla group known as the FARC, to send large quantities of cocaine toward the United States. Prosecutors describe a network of senior Venezuelan officials that they call the Cartel of the Suns.",
        "Alongside the charges, the State Department said it would pay up to $15 million for information leading to Maduro's arrest or conviction, and offered smaller rewards for several of his co-defendants.",
        "## Little prospect of a trial soon",
        "The case does not mean Maduro is likely to appear in a US courtroom in the near future. He remains in control in Caracas, and Venezuela's constitution bars the extradition of its own citizens. Venezuelan officials rejected the accusations as another form of pressure from Washington.",
        "The United States has not recognised Maduro as Venezuela's legitimate president since January 2019, when it backed opposition leader Juan Guaidó's claim to an interim presidency. The indictment adds a criminal dimension to a relationship already defined by sanctions and broken diplomatic ties.",
      ].join("\n\n"),
      language: Language.EN,
      genre: Genre.NEWS,
      dateline: "washington",
      topics: ["narcotics-charges"],
      citations: [
        {
          source: "us-department-of-justice-indictment-2020",
          attribution: "indictment made public in US federal court",
          sourcing: Sourcing.DOCUMENT,
        },
        {
          source: "us-department-of-justice",
          attribution: "Justice Department announcement of the charges",
          sourcing: Sourcing.NAMED,
        },
        {
          source: "us-department-of-state",
          attribution: "State Department reward announcement",
          sourcing: Sourcing.NAMED,
        },
        {
          source: "reuters",
          attribution: "wire reports on the Venezuelan government's response",
          sourcing: Sourcing.NAMED,
        },
      ],
      actors: [
        { actor: "nicolas-maduro", role: ActorRole.SUBJECT },
        { actor: "maduro-inner-circle", role: ActorRole.SUBJECT },
        { actor: "us-department-of-justice", role: ActorRole.PARTY },
        { actor: "us-government", role: ActorRole.MENTIONED },
        { actor: "venezuela", role: ActorRole.MENTIONED },
      ],
      claims: [
        {
          statement:
            "The US Justice Department charged Maduro and senior Venezuelan officials with narco-terrorism and related crimes.",
          status: ClaimStatus.CONFIRMED,
          sources: ["us-department-of-justice-indictment-2020", "us-department-of-justice"],
          actors: ["us-department-of-justice", "nicolas-maduro", "maduro-inner-circle"],
        },
        {
          statement:
            "Prosecutors allege that Maduro and his co-defendants conspired with FARC leaders to traffic cocaine toward the United States.",
          status: ClaimStatus.CONFIRMED,
          sources: ["us-department-of-justice-indictment-2020"],
          actors: ["nicolas-maduro", "maduro-inner-circle"],
        },
        {
          statement:
            "The State Department offered a reward of up to $15 million for information leading to Maduro's arrest or conviction.",
          status: ClaimStatus.CONFIRMED,
          sources: ["us-department-of-state"],
          actors: ["us-government", "nicolas-maduro"],
        },
        {
          statement: "Venezuelan officials rejected the accusations.",
          status: ClaimStatus.REPORTED,
          sources: ["reuters"],
          actors: ["maduro-inner-circle"],
        },
      ],
      perspectives: [],
      state: "published",
      publishedAt: "2020-03-26T18:00:00Z",
    },

    // 3. Analysis: oil.
    {
      slug: "venezuela-oil-reserves-and-what-a-transition-could-change",
      headline: "Venezuela has the world's largest oil reserves. A change of government would not unlock them quickly",
      standfirst:
        "Years of underinvestment and sanctions have cut Venezuelan output to a fraction of its former level. Analysts say even a settled political future would take years to show up in the market.",
      byline: "Newsgraph energy desk",
      bodyMarkdown: [
        "On paper, Venezuela is the most oil-rich country on earth. Its proven crude reserves, roughly 300 billion barrels according to OPEC data, exceed even Saudi Arabia's. Much of that oil is extra-heavy crude in the Orinoco Belt, which is costly to extract and needs diluents and specialised upgraders before it can be sold.",
        "Production tells a different story. The country pumped around three million barrels a day in the late 1990s; today output is well under one million. Mismanagement and a lack of investment at the state oil company, Petróleos de Venezuela, hollowed out the industry, and US sanctions on the company from 2019 cut it off from its main export market and from financing.",
        "## A first opening",
        "In late November the US Treasury authorised Chevron to resume limited production in Venezuela through its joint ventures with PDVSA, the most significant easing of oil restrictions in years. The licence bars payments of taxes or royalties to the Maduro government.",
        "For energy markets, the question is what a political transition would change. A government recognised in Washington would presumably see sanctions lifted and could invite foreign companies back on better terms. But rebuilding wells, pipelines, power supply and refineries would require tens of billions of dollars and a workforce that has largely left the country.",
        "> Reserves in the ground are not barrels on a tanker.",
        "That gap between potential and delivery is why many analysts expect any recovery to be gradual. In the short term, the largest effect of a settlement might be on the quality of supply to US Gulf Coast refineries built to process heavy crude, rather than on global prices.",
      ].join("\n\n"),
      language: Language.EN,
      genre: Genre.ANALYSIS,
      dateline: "caracas",
      topics: ["oil", "sanctions", "political-transition"],
      citations: [
        {
          source: "opec-annual-statistical-bulletin",
          attribution: "OPEC figures on proven reserves and production",
          sourcing: Sourcing.DATA,
        },
        {
          source: "us-department-of-the-treasury",
          attribution: "Treasury licence issued to Chevron",
          sourcing: Sourcing.DOCUMENT,
        },
        {
          source: "reuters",
          attribution: "wire reports on the Chevron licence",
          sourcing: Sourcing.NAMED,
        },
      ],
      actors: [
        { actor: "venezuela", role: ActorRole.SUBJECT },
        { actor: "pdvsa", role: ActorRole.SUBJECT },
        { actor: "chevron", role: ActorRole.PARTY },
        { actor: "us-government", role: ActorRole.PARTY },
        { actor: "nicolas-maduro", role: ActorRole.MENTIONED },
      ],
      claims: [
        {
          statement: "Venezuela holds the largest proven crude oil reserves in the world, at roughly 300 billion barrels.",
          status: ClaimStatus.CONFIRMED,
          sources: ["opec-annual-statistical-bulletin"],
          actors: ["venezuela"],
        },
        {
          statement:
            "Venezuelan oil output has fallen to well under one million barrels a day, from around three million in the late 1990s.",
          status: ClaimStatus.CONFIRMED,
          sources: ["opec-annual-statistical-bulletin"],
          actors: ["venezuela", "pdvsa"],
        },
        {
          statement: "The US Treasury authorised Chevron in November 2022 to resume limited oil production in Venezuela.",
          status: ClaimStatus.CONFIRMED,
          sources: ["us-department-of-the-treasury", "reuters"],
          actors: ["us-government", "chevron"],
        },
      ],
      perspectives: [
        {
          holderLabel: "Energy market analysts",
          stance: Stance.CAUTIONS,
          summary:
            "Even a stable political settlement would take years and heavy investment to lift Venezuelan production, limiting any near-term effect on prices.",
          keyPoints: [
            "Much of the infrastructure needs repair or replacement after years of neglect.",
            "Extra-heavy crude is expensive to produce and depends on imported diluents.",
            "Skilled oil workers have left in large numbers and would need to be recruited back.",
          ],
          about: "how fast Venezuelan oil output could recover",
        },
        {
          holderLabel: "Advocates of sanctions relief",
          stance: Stance.SUPPORTS,
          summary: "Allowing Western companies back in gives Washington leverage and adds supply that refiners can use.",
          keyPoints: [
            "Licensed operations keep revenue out of the government's direct control.",
            "Heavy Venezuelan crude suits refineries on the US Gulf Coast.",
          ],
          about: "easing oil sanctions on Venezuela",
        },
      ],
      state: "published",
      publishedAt: "2022-11-30T10:00:00Z",
    },

    // 4. Analysis: migration.
    {
      slug: "more-than-seven-million-venezuelans-have-left",
      headline: "More than seven million Venezuelans have left. Where they went, and why it matters",
      standfirst:
        "The exodus from Venezuela is one of the largest displacements in the world. Most people have settled in Latin America, but a growing number are heading north to the United States.",
      byline: "Newsgraph staff",
      bodyMarkdown: [
        "More than seven million Venezuelans now live outside their country, according to figures compiled by the inter-agency platform led by the UN refugee agency and the International Organization for Migration. That is roughly a quarter of the population, driven out over a decade by economic collapse, hyperinflation, shortages of food and medicine, and political repression.",
        "Most have stayed in the region. Colombia hosts the largest number, close to two and a half million people, followed by Peru, Brazil, Ecuador and Chile. In 2021 Colombia offered Venezuelans a ten-year temporary protection status, a move that aid agencies praised as a model for integrating new arrivals.",
        "## The route north",
        "In the past two years the pattern has shifted. Venezuelans became the largest group crossing the Darién jungle between Colombia and Panama, and their numbers at the southern US border rose sharply. Washington has responded with a mix of legal pathways for people with US sponsors and faster removals for those who cross irregularly.",
        "For US policymakers, slowing those departures has become a recurring argument for engaging with Caracas. For host governments in South America, the pressing issue is money: schools, clinics and labour markets are absorbing newcomers with international funding that regularly falls short of appeals.",
        "Whether many of them ever return is likely to depend on jobs, public services and personal safety, not only on who governs in Caracas.",
      ].join("\n\n"),
      language: Language.EN,
      genre: Genre.ANALYSIS,
      dateline: "bogota",
      topics: ["migration"],
      citations: [
        {
          source: "r4v-venezuela-displacement-figures",
          attribution: "R4V platform figures on Venezuelans abroad",
          sourcing: Sourcing.DATA,
        },
        {
          source: "reuters",
          attribution: "wire reports on Colombia's protection status",
          sourcing: Sourcing.NAMED,
        },
      ],
      actors: [
        { actor: "venezuela", role: ActorRole.SUBJECT },
        { actor: "colombia", role: ActorRole.PARTY },
        { actor: "us-government", role: ActorRole.MENTIONED },
        { actor: "nicolas-maduro", role: ActorRole.MENTIONED },
      ],
      claims: [
        {
          statement: "More than seven million Venezuelans are living outside Venezuela.",
          status: ClaimStatus.CONFIRMED,
          sources: ["r4v-venezuela-displacement-figures"],
          actors: ["venezuela"],
        },
        {
          statement: "Colombia hosts the largest number of Venezuelans abroad, close to two and a half million people.",
          status: ClaimStatus.CONFIRMED,
          sources: ["r4v-venezuela-displacement-figures"],
          actors: ["colombia"],
        },
        {
          statement: "Colombia granted Venezuelan migrants a ten-year temporary protection status in 2021.",
          status: ClaimStatus.CONFIRMED,
          sources: ["reuters"],
          actors: ["colombia"],
        },
      ],
      perspectives: [
        {
          holderLabel: "Aid agencies",
          stance: Stance.CAUTIONS,
          summary: "Host countries in the region cannot keep absorbing newcomers without steadier international funding.",
          keyPoints: [
            "Appeals for the regional response are regularly underfunded.",
            "Legal status makes it easier for migrants to work and pay taxes.",
          ],
          about: "support for countries hosting Venezuelans",
        },
        {
          holderLabel: "US policymakers",
          stance: Stance.MIXED,
          summary:
            "Reducing departures from Venezuela is a goal in Washington, but there is no agreement on whether pressure or engagement with Caracas works better.",
          keyPoints: [
            "Legal pathways have been paired with faster removals at the border.",
            "Some argue that a political settlement in Caracas is the only lasting fix.",
          ],
          about: "reducing northbound migration from Venezuela",
        },
      ],
      state: "published",
      publishedAt: "2023-06-20T09:00:00Z",
    },

    // 5. Opinion, with a clarification.
    {
      slug: "an-amnesty-for-maduro-is-worth-offering-only-for-a-real-handover",
      headline: "An amnesty for Maduro is worth offering, but only in exchange for a real handover",
      standfirst: "Washington should keep the door open to a negotiated exit. It should not pay in advance.",
      byline: "Newsgraph opinion desk",
      bodyMarkdown: [
        "The report that Washington has discussed an amnesty for Nicolás Maduro will strike many people as distasteful. The United States accuses him of helping to run a drug-trafficking network; many Venezuelans blame his government for an economic catastrophe that has pushed millions of people abroad. Offering him a way out without a trial looks like rewarding the behaviour that the charges describe.",
        "It is still the right offer to make, on one condition: that nothing is handed over until power actually changes hands.",
        "## Why the offer makes sense",
        "Leaders who face prison if they lose office have every reason to cling on. Maduro has survived sanctions, a rival claim to the presidency, mass protests and a failed uprising. Pressure alone has not moved him, and the 2020 indictment, whatever its merits, has given him one more reason to stay. Taking that reason off the table costs little if the alternative is years more of the same.",
        "## Why the sequence matters",
        "The danger lies in timing. Guarantees given before a handover are easily pocketed. Any amnesty should be tied to verifiable steps: an agreed date for leaving office, recognition of a credible election result, and a role for independent mediators in checking that both happen. The senior officials who would benefit should be named, and the armed forces should be part of the bargain, since no transition can succeed if the generals stand apart from it.",
        "Justice for victims of abuses should not be traded away in the process. A US decision to drop its own charges is one thing; immunity from Venezuelan or international accountability for human rights violations is another, and is not Washington's to give.",
        "Maduro reportedly rejected a similar offer once. He may do so again. That is not a reason to withdraw it, but it is a reason to make sure the terms are clear, public and conditional.",
      ].join("\n\n"),
      language: Language.EN,
      genre: Genre.OPINION,
      dateline: null,
      topics: ["political-transition", "narcotics-charges"],
      citations: [
        {
          source: "wall-street-journal",
          attribution:
            "in the account published by The Wall Street Journal, which relied on unnamed people with knowledge of the talks",
          sourcing: Sourcing.ANONYMOUS,
        },
        {
          source: "us-department-of-justice-indictment-2020",
          attribution: "the 2020 US indictment",
          sourcing: Sourcing.DOCUMENT,
        },
      ],
      actors: [
        { actor: "nicolas-maduro", role: ActorRole.SUBJECT },
        { actor: "us-government", role: ActorRole.PARTY },
        { actor: "maduro-inner-circle", role: ActorRole.MENTIONED },
        { actor: "venezuelan-armed-forces", role: ActorRole.MENTIONED },
        { actor: "international-mediators", role: ActorRole.MENTIONED },
      ],
      claims: [
        {
          statement: "The United States has discussed an amnesty for Maduro in exchange for his leaving office early.",
          status: ClaimStatus.REPORTED,
          sources: ["wall-street-journal"],
          actors: ["us-government", "nicolas-maduro"],
        },
        {
          statement: "Maduro turned down an earlier amnesty offer.",
          status: ClaimStatus.REPORTED,
          sources: ["wall-street-journal"],
          actors: ["nicolas-maduro"],
        },
      ],
      perspectives: [
        {
          holderLabel: "The author",
          stance: Stance.SUPPORTS,
          summary:
            "A US amnesty for Maduro is worth offering, provided it takes effect only after a verifiable handover of power.",
          keyPoints: [
            "The threat of prosecution gives Maduro a strong motive to stay in office.",
            "No guarantee should be delivered before power changes hands.",
            "The armed forces and independent mediators must be part of any deal.",
            "A US amnesty cannot cancel accountability for human rights abuses.",
          ],
          about: "a conditional US amnesty for Maduro",
        },
      ],
      state: "published",
      publishedAt: "2024-08-14T08:00:00Z",
      corrections: [
        {
          kind: CorrectionKind.CLARIFICATION,
          text: "This column has been clarified to make clear that the 2020 US case against Maduro consists of charges set out in an indictment. He has not been tried or convicted.",
        },
      ],
    },

    // 6. Spanish-language news from Caracas, with a correction.
    {
      slug: "eeuu-sopeso-una-amnistia-para-maduro-a-cambio-de-su-salida",
      headline: "EE. UU. sopesó una amnistía para Maduro a cambio de que deje el poder antes de 2025, según un informe",
      standfirst:
        "Washington habría contemplado retirar los cargos por narcotráfico contra Nicolás Maduro y varios colaboradores si abandona la presidencia antes de enero de 2025, según The Wall Street Journal.",
      byline: "Redacción de Newsgraph",
      bodyMarkdown: [
        "Estados Unidos mantuvo contactos discretos para ofrecer una amnistía a Nicolás Maduro y a varias personas de su entorno si el mandatario venezolano deja el cargo antes de que termine su periodo, en enero de 2025, según informó The Wall Street Journal, que cita a personas conocedoras de las conversaciones cuyos nombres no revela.",
        "De acuerdo con el diario, Washington podría desistir de la causa por narcoterrorismo que el Departamento de Justicia abrió en 2020 contra Maduro y un grupo de altos funcionarios. La propuesta partiría de la convicción, entre funcionarios estadounidenses, de que Maduro perdió las últimas elecciones presidenciales y de que ese resultado puede demostrarse.",
        "## El antecedente de Doha",
        "El informe sostiene que ya hubo conversaciones reservadas en Doha, la capital de Catar, el año pasado. Allí Maduro habría rechazado una oferta de amnistía y dejado claro que no pensaba cambiar de postura.",
        "Ninguna de las partes ha confirmado públicamente los detalles. El periódico señala además que un eventual regreso de Donald Trump a la Casa Blanca podría cambiar el rumbo de cualquier negociación, ya que los republicanos serían partidarios de endurecer la presión sobre Caracas.",
        "En Caracas, cualquier salida pactada plantea preguntas sobre la soberanía del país, el papel de la Fuerza Armada Nacional Bolivariana y el ritmo de las reformas que seguirían a un cambio de gobierno.",
      ].join("\n\n"),
      language: Language.ES,
      genre: Genre.NEWS,
      dateline: "caracas",
      topics: ["political-transition", "narcotics-charges", "diplomacy"],
      citations: [
        {
          source: "wall-street-journal",
          attribution: "citando a personas al tanto de las conversaciones que pidieron no ser identificadas",
          sourcing: Sourcing.ANONYMOUS,
        },
        {
          source: "us-department-of-justice-indictment-2020",
          attribution: "acusación formal presentada por fiscales federales en 2020",
          sourcing: Sourcing.DOCUMENT,
        },
      ],
      actors: [
        { actor: "nicolas-maduro", role: ActorRole.SUBJECT },
        { actor: "us-government", role: ActorRole.PARTY },
        { actor: "maduro-inner-circle", role: ActorRole.PARTY },
        { actor: "us-department-of-justice", role: ActorRole.MENTIONED },
        { actor: "donald-trump", role: ActorRole.MENTIONED },
        { actor: "republican-party", role: ActorRole.MENTIONED },
        { actor: "venezuelan-armed-forces", role: ActorRole.MENTIONED },
        { actor: "qatar", role: ActorRole.MENTIONED },
        { actor: "venezuela", role: ActorRole.MENTIONED },
      ],
      claims: [
        {
          statement:
            "Estados Unidos mantuvo conversaciones sobre una amnistía para Maduro a cambio de que deje el poder antes de enero de 2025.",
          status: ClaimStatus.REPORTED,
          sources: ["wall-street-journal"],
          actors: ["us-government", "nicolas-maduro"],
        },
        {
          statement: "Maduro rechazó una oferta de amnistía durante conversaciones reservadas en Doha el año pasado.",
          status: ClaimStatus.REPORTED,
          sources: ["wall-street-journal"],
          actors: ["nicolas-maduro", "qatar"],
        },
        {
          statement:
            "El Departamento de Justicia de EE. UU. acusó en 2020 a Maduro y a altos funcionarios venezolanos de narcoterrorismo.",
          status: ClaimStatus.CONFIRMED,
          sources: ["us-department-of-justice-indictment-2020"],
          actors: ["us-department-of-justice", "nicolas-maduro", "maduro-inner-circle"],
        },
      ],
      perspectives: [],
      state: "published",
      publishedAt: "2024-08-13T11:00:00Z",
      corrections: [
        {
          kind: CorrectionKind.CORRECTION,
          text: "Una versión anterior de este artículo situaba las conversaciones de Doha en este año. Según el informe, tuvieron lugar el año pasado.",
        },
      ],
    },

    // 7. The disputed July 2024 election.
    {
      slug: "venezuela-election-result-disputed-as-opposition-publishes-tallies",
      headline: "Venezuela's election result in dispute as the opposition publishes its own tally sheets",
      standfirst:
        "The electoral council declared Nicolás Maduro the winner of the July 28 vote without releasing a breakdown by polling station. The opposition says voting-machine records show Edmundo González won.",
      byline: "Newsgraph staff",
      bodyMarkdown: [
        "Venezuela's National Electoral Council proclaimed Nicolás Maduro the winner of the July 28 presidential election in the early hours after polls closed, saying he had taken about 51 percent of the vote against 44 percent for the main opposition candidate, Edmundo González Urrutia.",
        "The council has not published results broken down by polling station, as it has done after previous elections. The opposition, which had witnesses at voting centres across the country, says it gathered printed tally sheets from more than eight in ten voting machines and has posted images of them online. By its count, González won by a wide margin.",
        "## International doubts",
        "The Carter Center, which sent a technical mission at the government's invitation, said the election did not meet international standards of electoral integrity. On Thursday the US State Department said that, given the evidence, it was clear González had won the most votes.",
        "Maduro has rejected the opposition's figures and asked the Supreme Court, which is widely seen as aligned with his government, to review the result. Protests broke out in Caracas and other cities in the days after the vote, and authorities have reported large numbers of arrests.",
        "The dispute sets up a confrontation over who takes office in January 2025, when the next presidential term begins.",
      ].join("\n\n"),
      language: Language.EN,
      genre: Genre.NEWS,
      dateline: "caracas",
      topics: ["elections", "political-transition"],
      citations: [
        {
          source: "venezuela-national-electoral-council",
          attribution: "official result announced by the electoral council",
          sourcing: Sourcing.NAMED,
        },
        {
          source: "opposition-tally-sheets-2024",
          attribution: "tally sheets published online by the opposition",
          sourcing: Sourcing.DOCUMENT,
        },
        {
          source: "carter-center",
          attribution: "statement by the Carter Center observer mission",
          sourcing: Sourcing.NAMED,
        },
        {
          source: "us-department-of-state",
          attribution: "State Department statement on the result",
          sourcing: Sourcing.NAMED,
        },
        {
          source: "reuters",
          attribution: "wire reports from Caracas",
          sourcing: Sourcing.NAMED,
        },
      ],
      actors: [
        { actor: "nicolas-maduro", role: ActorRole.SUBJECT },
        { actor: "edmundo-gonzalez", role: ActorRole.SUBJECT },
        { actor: "national-electoral-council", role: ActorRole.PARTY },
        { actor: "venezuelan-opposition", role: ActorRole.PARTY },
        { actor: "us-government", role: ActorRole.MENTIONED },
        { actor: "venezuela", role: ActorRole.MENTIONED },
      ],
      claims: [
        {
          statement:
            "Venezuela's National Electoral Council declared Nicolás Maduro the winner of the July 28, 2024 presidential election.",
          status: ClaimStatus.CONFIRMED,
          sources: ["venezuela-national-electoral-council"],
          actors: ["national-electoral-council", "nicolas-maduro"],
        },
        {
          statement: "Tally sheets collected by the opposition show that Edmundo González won the election.",
          status: ClaimStatus.DISPUTED,
          sources: ["opposition-tally-sheets-2024"],
          actors: ["venezuelan-opposition", "edmundo-gonzalez", "nicolas-maduro"],
        },
        {
          statement: "The electoral council has not published results broken down by polling station.",
          status: ClaimStatus.REPORTED,
          sources: ["reuters"],
          actors: ["national-electoral-council"],
        },
        {
          statement: "The Carter Center said the election did not meet international standards of electoral integrity.",
          status: ClaimStatus.CONFIRMED,
          sources: ["carter-center"],
          actors: ["venezuela"],
        },
        {
          statement: "The US State Department said it was clear that González won the most votes.",
          status: ClaimStatus.CONFIRMED,
          sources: ["us-department-of-state"],
          actors: ["us-government", "edmundo-gonzalez"],
        },
      ],
      perspectives: [
        {
          holderLabel: "Election observers",
          stance: Stance.CAUTIONS,
          summary:
            "Without polling-station results that can be checked against the tally sheets, the official count cannot be independently verified.",
          keyPoints: [
            "Each voting machine prints a tally sheet that witnesses can photograph.",
            "Publishing results by polling station would allow a public audit.",
          ],
          about: "the credibility of the official result",
        },
      ],
      state: "published",
      publishedAt: "2024-08-02T18:00:00Z",
    },

    // 8. Published, with an unpublished edit pending in the working copy.
    {
      slug: "doha-becomes-a-quiet-venue-for-us-venezuela-contacts",
      headline: "Doha becomes a quiet venue for contacts between Washington and Caracas",
      standfirst:
        "Qatar helped arrange this week's prisoner exchange between the United States and Venezuela, the latest sign of its role as a discreet go-between.",
      byline: "Newsgraph staff",
      bodyMarkdown: [
        "Qatar played a central part in the exchange completed on Wednesday in which the United States released Alex Saab, a Colombian businessman close to Nicolás Maduro, and Venezuela freed ten Americans and handed over a fugitive US defence contractor, Leonard Francis.",
        "The swap followed months of contacts between US and Venezuelan officials, some of them reportedly held in Qatar. It came two months after Maduro's government and the opposition signed an agreement in Barbados on conditions for the 2024 presidential election, and Washington temporarily eased sanctions on Venezuela's oil and gas sector in response.",
        "## Why Doha",
        "Qatar has built a reputation as a venue where adversaries can meet away from the cameras. It has hosted talks involving the Taliban and helped broker other prisoner releases, and it maintains working relations with governments that rarely speak to each other directly.",
        "For Washington and Caracas, which have had no diplomatic relations since 2019, that discretion is the point. Neither side has described in public what else was discussed in Doha.",
      ].join("\n\n"),
      language: Language.EN,
      genre: Genre.NEWS,
      dateline: "doha",
      topics: ["diplomacy", "sanctions"],
      citations: [
        {
          source: "white-house",
          attribution: "White House statement on the release of the Americans",
          sourcing: Sourcing.NAMED,
        },
        {
          source: "reuters",
          attribution: "wire reports on the exchange",
          sourcing: Sourcing.NAMED,
        },
      ],
      actors: [
        { actor: "qatar", role: ActorRole.SUBJECT },
        { actor: "us-government", role: ActorRole.PARTY },
        { actor: "venezuela", role: ActorRole.PARTY },
        { actor: "nicolas-maduro", role: ActorRole.MENTIONED },
        { actor: "venezuelan-opposition", role: ActorRole.MENTIONED },
        { actor: "international-mediators", role: ActorRole.MENTIONED },
      ],
      claims: [
        {
          statement: "Qatar helped facilitate the December 2023 prisoner exchange between the United States and Venezuela.",
          status: ClaimStatus.CONFIRMED,
          sources: ["white-house", "reuters"],
          actors: ["qatar", "us-government", "venezuela"],
        },
        {
          statement: "The United States released Alex Saab and Venezuela freed ten Americans as part of the exchange.",
          status: ClaimStatus.CONFIRMED,
          sources: ["white-house", "reuters"],
          actors: ["us-government", "venezuela"],
        },
        {
          statement: "Some contacts between US and Venezuelan officials took place in Qatar.",
          status: ClaimStatus.REPORTED,
          sources: ["reuters"],
          actors: ["us-government", "venezuela", "qatar"],
        },
      ],
      perspectives: [],
      state: "published-with-pending-edit",
      publishedAt: "2023-12-21T12:00:00Z",
      pendingEdit: {
        headline: "Qatar's go-between role faces a harder test as Venezuela's election nears",
        bodyMarkdown: [
          "With Venezuela's presidential vote set for next year, diplomats who worked on the recent prisoner exchange say the next phase will be far harder to manage from Doha.",
          "The Barbados agreement left the key questions open, including whether barred opposition candidates will be allowed to run. Officials in Washington have said sanctions relief depends on progress, and Qatari mediators have little leverage over either side.",
          "This version is still being edited and has not been published.",
        ].join("\n\n"),
      },
    },

    // 9. Withdrawn after publication.
    {
      slug: "maduro-agrees-to-exit-deal-with-washington",
      headline: "Maduro agrees to exit deal with Washington, early report says",
      standfirst:
        "An initial report said the Venezuelan leader had accepted US terms to leave office in exchange for an amnesty.",
      byline: "Newsgraph staff",
      bodyMarkdown: [
        "Nicolás Maduro has agreed to leave office early under an arrangement with the United States that would shield him and senior aides from prosecution, according to an initial reading of a newspaper report published on Sunday.",
        "The report described talks about an amnesty and the possible withdrawal of US narco-terrorism charges brought in 2020.",
      ].join("\n\n"),
      language: Language.EN,
      genre: Genre.NEWS,
      dateline: "washington",
      topics: ["political-transition"],
      citations: [
        {
          source: "wall-street-journal",
          attribution: "citing people familiar with the talks who were not named",
          sourcing: Sourcing.ANONYMOUS,
        },
      ],
      actors: [
        { actor: "nicolas-maduro", role: ActorRole.SUBJECT },
        { actor: "us-government", role: ActorRole.PARTY },
      ],
      claims: [
        {
          statement: "Maduro has agreed to leave office under a deal with the United States.",
          status: ClaimStatus.UNVERIFIED,
          sources: ["wall-street-journal"],
          actors: ["nicolas-maduro", "us-government"],
        },
      ],
      perspectives: [],
      state: "unpublished",
      publishedAt: "2024-08-11T21:45:00Z",
      unpublishReason:
        "Withdrawn: the article said a deal had been agreed, which the underlying reporting does not support. The report described talks and an amnesty offer that Maduro had rejected. See the corrected coverage published on August 12.",
    },

    // 10. Draft: Republican reactions.
    {
      slug: "republicans-signal-harder-line-as-maduro-amnesty-idea-surfaces",
      headline: "Republicans signal a harder line as an amnesty idea for Maduro surfaces",
      standfirst:
        "Party figures have long favoured pressure over incentives on Venezuela. A reported amnesty offer puts that difference back in view.",
      byline: "Newsgraph staff",
      bodyMarkdown: [
        "Republicans in Congress have for years pushed for tougher measures against Nicolás Maduro's government, from sanctions on the oil sector to backing for the opposition.",
        "According to The Wall Street Journal, a Republican victory in November could alter the course of any talks on an amnesty for Maduro, with the party expected to favour pressure over guarantees.",
        "Reporting on individual lawmakers' positions is still to be added before publication.",
      ].join("\n\n"),
      language: Language.EN,
      genre: Genre.NEWS,
      dateline: "washington",
      topics: ["political-transition", "diplomacy", "sanctions"],
      citations: [
        {
          source: "wall-street-journal",
          attribution: "citing unnamed people with knowledge of the negotiations",
          sourcing: Sourcing.ANONYMOUS,
        },
      ],
      actors: [
        { actor: "republican-party", role: ActorRole.SUBJECT },
        { actor: "donald-trump", role: ActorRole.MENTIONED },
        { actor: "nicolas-maduro", role: ActorRole.MENTIONED },
      ],
      claims: [
        {
          statement:
            "Republicans are likely to push for a tougher approach to Maduro if Donald Trump returns to the White House.",
          status: ClaimStatus.REPORTED,
          sources: ["wall-street-journal"],
          actors: ["republican-party", "donald-trump"],
        },
      ],
      perspectives: [
        {
          holderActor: "republican-party",
          stance: Stance.OPPOSES,
          summary: "Guarantees for Maduro would reward his government; sustained pressure is the better route to change.",
          keyPoints: [
            "Sanctions should stay until there is a democratic transition.",
            "Legal immunity would weaken the deterrent effect of US prosecutions.",
          ],
          about: "an amnesty for Maduro",
        },
      ],
      state: "draft",
    },

    // 11. Draft: armed-forces explainer.
    {
      slug: "explainer-why-venezuelas-armed-forces-hold-the-key-to-any-transition",
      headline: "Explainer: why Venezuela's armed forces hold the key to any transition",
      standfirst:
        "The military has stood by Maduro through sanctions, protests and a failed uprising. Any negotiated exit would need its cooperation.",
      byline: "Newsgraph staff",
      bodyMarkdown: [
        "The National Bolivarian Armed Forces, known as the FANB, include the army, navy, air force and the National Guard, which has often been deployed against street protests.",
        "Under Hugo Chávez and then Nicolás Maduro, officers have taken senior posts in government and run parts of the economy. Vladimir Padrino López has been defence minister since 2014.",
        "When opposition leader Juan Guaidó called on the military to switch sides in April 2019, only a small number of troops responded and the attempt collapsed. The 2020 US charges against Maduro also named current and former senior military figures.",
        "## What a deal would need",
        "Analysts say any transition would have to offer officers security, a defined role and, for some, legal guarantees, or risk a split inside the institution.",
      ].join("\n\n"),
      language: Language.EN,
      genre: Genre.ANALYSIS,
      dateline: "caracas",
      topics: ["armed-forces", "political-transition"],
      citations: [
        {
          source: "reuters",
          attribution: "wire reporting on the armed forces",
          sourcing: Sourcing.NAMED,
        },
        {
          source: "us-department-of-justice-indictment-2020",
          attribution: "the 2020 US charges",
          sourcing: Sourcing.DOCUMENT,
        },
      ],
      actors: [
        { actor: "venezuelan-armed-forces", role: ActorRole.SUBJECT },
        { actor: "vladimir-padrino-lopez", role: ActorRole.MENTIONED },
        { actor: "nicolas-maduro", role: ActorRole.MENTIONED },
      ],
      claims: [
        {
          statement: "Vladimir Padrino López has served as Venezuela's defence minister since 2014.",
          status: ClaimStatus.CONFIRMED,
          sources: ["reuters"],
          actors: ["vladimir-padrino-lopez"],
        },
        {
          statement: "The 2020 US charges named current and former senior Venezuelan military figures.",
          status: ClaimStatus.CONFIRMED,
          sources: ["us-department-of-justice-indictment-2020"],
          actors: ["venezuelan-armed-forces"],
        },
      ],
      perspectives: [
        {
          holderLabel: "Analysts of Venezuela's military",
          stance: Stance.CAUTIONS,
          summary: "A transition that ignores the officers' interests risks resistance or a split in the armed forces.",
          keyPoints: [
            "Officers hold posts across government and the economy.",
            "Some senior figures face US charges of their own.",
          ],
          about: "the armed forces' role in a transition",
        },
      ],
      state: "draft",
    },
  ],
};
