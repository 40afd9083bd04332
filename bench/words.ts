import type { Rng } from "./prng";

/*
 * Small word lists for plausible news prose. Every token is plain letters or digits (no
 * Markdown, HTML or apostrophes), so the HTML body is just the paragraphs in <p> tags and
 * the word count is exact. Lists are "|"-separated strings to keep them dense.
 */

export type Lang = "en" | "es";

const list = (s: string): string[] => s.split("|");
/** "singular/plural" entries; a single form serves both. */
const forms = (s: string): [string, string][] =>
  list(s).map((e) => {
    const [sg, pl] = e.split("/");
    return [sg!, pl ?? sg!];
  });
const subjects = (singular: string, plural: string): [string, boolean][] => [
  ...list(singular).map((x): [string, boolean] => [x, false]),
  ...list(plural).map((x): [string, boolean] => [x, true]),
];

interface Lexicon {
  /** [phrase, plural]: plural picks the verb form. */
  subjects: [string, boolean][];
  /** [singular, plural] past tense. */
  verbs: [string, string][];
  objects: string[];
  adverbials: string[];
  connectors: string[];
  reporting: [string, string][];
  that: string;
  holderLabels: string[];
  qualifiers: string[];
  attributions: string[];
  /** Preposition before a place name: "in" or "en". */
  inPlace: string;
}

/**
 * Names an article's own text mentions: its actors and its dateline. Real coverage names who
 * and where, and those names give the text the long tail that search queries actually hit;
 * without them every word of the small lexicon occurs in most articles.
 */
export interface Mentions {
  names: readonly string[];
  place: string | null;
}

const EN: Lexicon = {
  subjects: subjects(
    "the government|the minister|the opposition|the central bank|the prosecutor|the city council|the company|the ministry|" +
      "the supreme court|the president|the mayor|the army|the committee|the agency|the embassy|the ruling coalition|" +
      "the electoral board|the health ministry|the governor|the regulator",
    "officials|analysts|lawmakers|protesters|residents|diplomats|investors|union leaders|aid groups|voters|regional leaders|" +
      "experts|negotiators|local authorities|farmers|teachers",
  ),
  verbs: forms(
    "announced|rejected|approved|questioned|proposed|delayed|criticised|defended|confirmed|denied|reviewed|signed|blocked|" +
      "expanded|suspended|welcomed|challenged|outlined|postponed|investigated|backed|revised|published|opposed",
  ),
  objects: list(
    "a new budget|the agreement|the proposal|new sanctions|the reform|the election results|a ceasefire|the contract|new rules|" +
      "the investigation|the loan|the tariff plan|emergency measures|the annual report|the pipeline project|the trade deal|" +
      "the pension reform|a security plan|the vaccine programme|the water project|a plan worth 200 million dollars|" +
      "the fuel subsidy|the border policy|the mining licence|the draft law|the peace talks|the housing programme|" +
      "the new constitution|the fishing quotas|the school calendar|the minimum wage increase|the port expansion|" +
      "the audit of public accounts|the electricity tariffs",
  ),
  adverbials: list(
    "on Tuesday|last week|after months of talks|despite strong criticism|in a statement|according to documents|ahead of the vote|" +
      "in the capital|late on Friday|for the second time this year|amid rising prices|without giving details|" +
      "under pressure from donors|before the deadline|in a closed session|on Monday morning|during a visit to the north|" +
      "after a long debate|in a televised address|earlier this month|at a press conference|following the floods|" +
      "in response to the protests|after 3 days of negotiations",
  ),
  connectors: [", while", ", but", " and", ", although", ", even as"],
  reporting: forms("said|noted|warned|argued|insisted"),
  that: "that",
  holderLabels: list(
    "critics|analysts|business groups|residents|opposition lawmakers|human rights groups|economists|independent observers|" +
      "union members|local officials",
  ),
  qualifiers: list("as party leader|in a personal capacity|speaking for the bloc|as chair of the committee"),
  attributions: list(
    "|in a statement|citing unnamed sources familiar with the talks|according to documents seen by reporters|in an interview|" +
      "in a court filing|citing official figures|at a news conference|in a written reply",
  ),
  inPlace: "in",
};

const ES: Lexicon = {
  subjects: subjects(
    "el gobierno|el ministro|la oposición|el banco central|la fiscalía|el concejo municipal|la empresa|el ministerio|" +
      "el tribunal supremo|el presidente|la alcaldesa|el ejército|la comisión|la agencia|la embajada|la coalición gobernante|" +
      "el consejo electoral|el ministerio de salud|la gobernadora|el regulador",
    "los funcionarios|los analistas|los legisladores|los manifestantes|los vecinos|los diplomáticos|los inversores|los sindicatos|" +
      "las organizaciones humanitarias|los votantes|los gobernadores|los expertos|los negociadores|las autoridades locales|" +
      "los agricultores|los maestros",
  ),
  verbs: forms(
    "anunció/anunciaron|rechazó/rechazaron|aprobó/aprobaron|cuestionó/cuestionaron|propuso/propusieron|aplazó/aplazaron|" +
      "criticó/criticaron|defendió/defendieron|confirmó/confirmaron|negó/negaron|revisó/revisaron|firmó/firmaron|" +
      "bloqueó/bloquearon|amplió/ampliaron|suspendió/suspendieron|celebró/celebraron|impugnó/impugnaron|presentó/presentaron|" +
      "postergó/postergaron|investigó/investigaron|respaldó/respaldaron|modificó/modificaron|publicó/publicaron|objetó/objetaron",
  ),
  objects: list(
    "un nuevo presupuesto|el acuerdo|la propuesta|nuevas sanciones|la reforma|los resultados electorales|un alto el fuego|" +
      "el contrato|nuevas normas|la investigación|el préstamo|el plan arancelario|medidas de emergencia|el informe anual|" +
      "el proyecto del oleoducto|el tratado comercial|la reforma de pensiones|un plan de seguridad|el programa de vacunación|" +
      "el proyecto de agua potable|un plan de 200 millones de dólares|el subsidio al combustible|la política fronteriza|" +
      "la licencia minera|el proyecto de ley|las conversaciones de paz|el programa de vivienda|la nueva constitución|" +
      "las cuotas de pesca|el calendario escolar|el aumento del salario mínimo|la ampliación del puerto|" +
      "la auditoría de las cuentas públicas|las tarifas eléctricas",
  ),
  adverbials: list(
    "el martes|la semana pasada|tras meses de negociaciones|pese a las críticas|en un comunicado|según documentos oficiales|" +
      "antes de la votación|en la capital|el viernes por la noche|por segunda vez este año|en medio del alza de precios|" +
      "sin dar detalles|bajo presión de los donantes|antes del plazo|en una sesión a puerta cerrada|el lunes por la mañana|" +
      "durante una visita al norte|tras un largo debate|en un mensaje televisado|a principios de este mes|en una rueda de prensa|" +
      "después de las inundaciones|en respuesta a las protestas|tras 3 días de negociaciones",
  ),
  connectors: [", mientras", ", pero", " y", ", aunque", ", a la vez que"],
  reporting: forms("dijo/dijeron|señaló/señalaron|advirtió/advirtieron|sostuvo/sostuvieron|afirmó/afirmaron"),
  that: "que",
  holderLabels: list(
    "críticos|analistas|gremios empresariales|vecinos|legisladores de la oposición|organizaciones de derechos humanos|" +
      "economistas|observadores independientes|afiliados sindicales|funcionarios locales",
  ),
  qualifiers: list("como líder del partido|a título personal|en nombre del bloque|como presidente de la comisión"),
  attributions: list(
    "|en un comunicado|citando fuentes anónimas cercanas a las negociaciones|según documentos revisados por periodistas|" +
      "en una entrevista|en un escrito judicial|citando cifras oficiales|en una rueda de prensa|en una respuesta por escrito",
  ),
  inPlace: "en",
};

const LEX: Record<Lang, Lexicon> = { en: EN, es: ES };

const cap = (s: string): string => s.charAt(0).toUpperCase() + s.slice(1);

/** A subject: sometimes one of the names the article mentions (singular), else a generic one. */
function subject(rng: Rng, lx: Lexicon, m?: Mentions): [string, boolean] {
  return m && m.names.length > 0 && rng.chance(0.3) ? [rng.pick(m.names), false] : rng.pick(lx.subjects);
}

function adverbial(rng: Rng, lx: Lexicon, m?: Mentions): string {
  return m?.place && rng.chance(0.2) ? `${lx.inPlace} ${m.place}` : rng.pick(lx.adverbials);
}

function clause(rng: Rng, lx: Lexicon, m?: Mentions): string {
  const [who, plural] = subject(rng, lx, m);
  const [sg, pl] = rng.pick(lx.verbs);
  return `${who} ${plural ? pl : sg} ${rng.pick(lx.objects)}`;
}

export function sentence(rng: Rng, lang: Lang, m?: Mentions): string {
  const lx = LEX[lang];
  switch (rng.int(0, 3)) {
    case 0:
      return `${cap(clause(rng, lx, m))} ${adverbial(rng, lx, m)}.`;
    case 1:
      return `${cap(adverbial(rng, lx, m))}, ${clause(rng, lx, m)}.`;
    case 2:
      return `${cap(clause(rng, lx, m))} ${adverbial(rng, lx, m)}${rng.pick(lx.connectors)} ${clause(rng, lx, m)}.`;
    default: {
      const [who, plural] = subject(rng, lx, m);
      const [sg, pl] = rng.pick(lx.reporting);
      return `${cap(who)} ${plural ? pl : sg} ${lx.that} ${clause(rng, lx, m)}.`;
    }
  }
}

/** s.split(" ").length, without the array. */
function wordsIn(s: string): number {
  let n = 1;
  for (let i = s.indexOf(" "); i !== -1; i = s.indexOf(" ", i + 1)) n++;
  return n;
}

/** 6 to 12 words, no final full stop. */
export function headline(rng: Rng, lang: Lang, m?: Mentions): string {
  const lx = LEX[lang];
  const target = rng.int(6, 12);
  let best = cap(clause(rng, lx, m));
  for (let i = 0; i < 12; i++) {
    let h = cap(clause(rng, lx, m));
    if (wordsIn(h) < target) h += ` ${adverbial(rng, lx, m)}`;
    const n = wordsIn(h);
    if (n >= 6 && n <= 12) return h;
    if (Math.abs(n - target) < Math.abs(wordsIn(best) - target)) best = h;
  }
  return best.split(" ").slice(0, 12).join(" ");
}

export function sentences(rng: Rng, lang: Lang, min: number, max: number, m?: Mentions): string {
  const n = rng.int(min, max);
  const out: string[] = [];
  for (let i = 0; i < n; i++) out.push(sentence(rng, lang, m));
  return out.join(" ");
}

/** Paragraphs of 2 to 5 sentences until at least `words` words, never more than `max`. */
export function paragraphs(rng: Rng, lang: Lang, words: number, max: number, m?: Mentions): string[] {
  const out: string[] = [];
  let count = 0;
  while (count < words) {
    const para: string[] = [];
    for (let i = rng.int(2, 5); i > 0 && count < words; i--) {
      const s = sentence(rng, lang, m);
      const n = wordsIn(s);
      if (count + n > max) {
        count = words;
        break;
      }
      para.push(s);
      count += n;
    }
    if (para.length > 0) out.push(para.join(" "));
  }
  return out;
}

export function holderLabel(rng: Rng, lang: Lang): string {
  return rng.pick(LEX[lang].holderLabels);
}

export function qualifier(rng: Rng, lang: Lang): string {
  return rng.pick(LEX[lang].qualifiers);
}

export function attribution(rng: Rng, lang: Lang): string {
  return rng.pick(LEX[lang].attributions);
}

export function about(rng: Rng, lang: Lang): string {
  return rng.pick(LEX[lang].objects);
}

// ---- names for the vocabularies ----

export const FIRST_NAMES = list(
  "Ana|Luis|María|Carlos|Sofía|Diego|Lucía|Javier|Elena|Andrés|Valeria|Miguel|Camila|Jorge|Isabel|Pablo|Gabriela|Ricardo|" +
    "Daniela|Fernando|John|Sarah|David|Emily|Michael|Laura|James|Olivia|Robert|Hannah|Thomas|Grace|Peter|Alice|Samuel|Rachel|" +
    "Omar|Fatima|Yusuf|Amina|Chen|Mei|Ravi|Priya|Kwame|Ama|Ivan|Olga|Hugo|Clara|Mateo|Paula|Tomás|Rosa|Nicolás|Marta|Sergio|" +
    "Teresa|Martín|Julia",
);

export const LAST_NAMES = list(
  "García|Rodríguez|Martínez|López|González|Pérez|Sánchez|Ramírez|Torres|Flores|Rivera|Gómez|Díaz|Reyes|Morales|Cruz|Ortiz|" +
    "Gutiérrez|Chávez|Ramos|Vargas|Castillo|Jiménez|Moreno|Romero|Herrera|Medina|Aguilar|Mendoza|Rojas|Smith|Johnson|Williams|" +
    "Brown|Jones|Miller|Davis|Wilson|Anderson|Taylor|Thomas|Moore|Martin|Jackson|Thompson|White|Harris|Clark|Lewis|Walker|Hall|" +
    "Young|Allen|King|Wright|Scott|Green|Baker|Adams|Nelson|Hill|Campbell|Mitchell|Carter|Okafor|Mensah|Haddad|Nasser|Khan|" +
    "Singh|Wang|Li|Novak|Petrov|Silva|Costa|Ferreira|Almeida|Navarro|Domínguez",
);

export interface Country {
  name: string;
  code: string;
  capital: string;
  lat: number;
  lon: number;
}

/** "name;ISO code;capital;lat;lon" of the capital. */
export const COUNTRIES: Country[] = list(
  "Argentina;AR;Buenos Aires;-34.6;-58.4|Bolivia;BO;La Paz;-16.5;-68.1|Brazil;BR;Brasília;-15.8;-47.9|Chile;CL;Santiago;-33.4;-70.6|" +
    "Colombia;CO;Bogotá;4.7;-74.1|Costa Rica;CR;San José;9.9;-84.1|Cuba;CU;Havana;23.1;-82.4|Ecuador;EC;Quito;-0.2;-78.5|" +
    "El Salvador;SV;San Salvador;13.7;-89.2|Guatemala;GT;Guatemala City;14.6;-90.5|Honduras;HN;Tegucigalpa;14.1;-87.2|" +
    "Mexico;MX;Mexico City;19.4;-99.1|Nicaragua;NI;Managua;12.1;-86.3|Panama;PA;Panama City;9.0;-79.5|" +
    "Paraguay;PY;Asunción;-25.3;-57.6|Peru;PE;Lima;-12.0;-77.0|Uruguay;UY;Montevideo;-34.9;-56.2|Venezuela;VE;Caracas;10.5;-66.9|" +
    "Spain;ES;Madrid;40.4;-3.7|Portugal;PT;Lisbon;38.7;-9.1|France;FR;Paris;48.9;2.4|Germany;DE;Berlin;52.5;13.4|" +
    "Italy;IT;Rome;41.9;12.5|United Kingdom;GB;London;51.5;-0.1|Ireland;IE;Dublin;53.3;-6.3|Poland;PL;Warsaw;52.2;21.0|" +
    "Ukraine;UA;Kyiv;50.5;30.5|Turkey;TR;Ankara;39.9;32.9|Egypt;EG;Cairo;30.0;31.2|Nigeria;NG;Abuja;9.1;7.5|" +
    "Kenya;KE;Nairobi;-1.3;36.8|Ghana;GH;Accra;5.6;-0.2|South Africa;ZA;Pretoria;-25.7;28.2|Ethiopia;ET;Addis Ababa;9.0;38.7|" +
    "Morocco;MA;Rabat;34.0;-6.8|India;IN;New Delhi;28.6;77.2|Pakistan;PK;Islamabad;33.7;73.1|China;CN;Beijing;39.9;116.4|" +
    "Japan;JP;Tokyo;35.7;139.7|Indonesia;ID;Jakarta;-6.2;106.8|Philippines;PH;Manila;14.6;121.0|Australia;AU;Canberra;-35.3;149.1|" +
    "Canada;CA;Ottawa;45.4;-75.7|United States;US;Washington;38.9;-77.0|Jamaica;JM;Kingston;18.0;-76.8|" +
    "Haiti;HT;Port-au-Prince;18.5;-72.3|Dominican Republic;DO;Santo Domingo;18.5;-69.9|Iran;IR;Tehran;35.7;51.4",
).map((e) => {
  const [name, code, capital, lat, lon] = e.split(";") as [string, string, string, string, string];
  return { name, code, capital, lat: Number(lat), lon: Number(lon) };
});

export const TOWN_PREFIXES = list("San|Santa|Puerto|Villa|Nueva|Port|New|Fort|North|South|Lake|Mount|El|La|Los|Las|Río|Cerro");
export const SYLLABLES = list("ca|ra|mo|lin|ta|ve|do|san|mar|bel|to|ri|na|ga|lo|cor|tu|pe|al|men|qui|zo|ber|fa");

export const ORG_PREFIXES = list(
  "National|Northern|United|Andean|Atlantic|Pacific|Federal|Independent|Central|Coastal|Southern|Eastern|Western|Rural|" +
    "Metropolitan|Continental|Caribbean|Highland|Valley|Allied",
);
export const ORG_DOMAINS = list(
  "Energy|Mining|Farmers|Teachers|Transport|Health|Water|Trade|Press|Fisheries|Banking|Steel|Textile|Tourism|Rail|Port|Housing|" +
    "Veterans|Students|Nurses",
);
export const ORG_TYPES = list("Union|Association|Council|Group|Corporation|Foundation|Federation|Alliance|Institute|Cooperative");

export const MINISTRIES = list(
  "Ministry of Finance|Ministry of Defence|Ministry of Health|Ministry of Energy|Ministry of the Interior|" +
    "Ministry of Foreign Affairs|Ministry of Education|Ministry of Justice|Ministry of Agriculture|Ministry of Labour|" +
    "Ministry of Transport|Ministry of the Environment|Office of the President|Electoral Council|Central Bank",
);

export const PARTY_ADJECTIVES = list(
  "Democratic|Popular|Liberal|Social|Green|Progressive|Conservative|Republican|National|Socialist|Citizens|Workers|Federal|" +
    "Radical|Christian|Patriotic",
);
export const PARTY_NOUNS = list("Renewal|Unity|Action|Change|Alliance|Future|Justice|Progress|Freedom|Solidarity|Democracy|Hope");
export const PARTY_TYPES = list("Party|Movement|Front|Coalition|Union");

export const FORCES = list("Army|Navy|Air Force|National Guard|Coast Guard|Special Forces|Border Police");

export const NEWSPAPERS = list("Herald|Times|Post|Gazette|Observer|Chronicle|Tribune|Journal|Courier|Monitor");
export const DIARIOS = list("El Diario|El Heraldo|El Mundo|El Comercio|La Prensa|La Nación|El Universal|La Razón");
export const DOCUMENT_KINDS = list(
  "Court filing|Audit report|Annual report|Leaked memo|Parliamentary record|Procurement contract|Inspection report",
);
export const DATASETS = list(
  "Inflation statistics|Household survey|Election returns|Trade figures|Crime statistics|Census tables|Migration records",
);

export const TOPIC_BASES = list(
  "Elections|Energy|Migration|Diplomacy|Sanctions|Armed forces|Oil|Mining|Agriculture|Health|Education|Housing|Inflation|" +
    "Trade|Climate|Water|Transport|Corruption|Justice|Human rights|Labour|Pensions|Taxes|Banking|Tourism|Fisheries|Forests|" +
    "Drug trafficking|Security|Press freedom|Indigenous rights|Public debt|Technology|Telecommunications|Infrastructure|" +
    "Disasters|Refugees|Protests|Constitutional reform|Local government",
);
export const REGIONS = list(
  "the Andes|the Caribbean|Central America|the Southern Cone|the Amazon|the Pacific coast|Europe|West Africa|East Africa|" +
    "South Asia|the Gulf|North America|the Mediterranean|the Sahel|Southeast Asia",
);
