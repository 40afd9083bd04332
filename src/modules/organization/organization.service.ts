import type { DataSource } from "typeorm";
import { BadUserInputError, NotFoundError } from "../../shared/errors";
import { toPlainText } from "../../shared/markdown";
import { MediaAsset } from "../media";
import { CACHE_CHANNEL, PURGE_ALL } from "../outbox";
import { OrganizationProfile, POLICY_FIELDS } from "./organization.entity";
import type { UpdateOrganizationInput } from "./organization.inputs";

const PROFILE_ID = 1;

/** The profile as the output formats read it, with the logo's address resolved (an absolute URL). */
export type PublisherProfile = Pick<OrganizationProfile, "name" | "url" | "masthead" | (typeof POLICY_FIELDS)[number]> & {
  logo: { url: string; width: number; height: number } | null;
};

/** The publication's profile: read by every JSON-LD output, edited by admins. */
export class OrganizationService {
  constructor(
    private readonly ds: DataSource,
    private readonly defaults: { name: string; url: string | null },
    private readonly urlFor: (mediaPath: string) => string,
  ) {}

  /** The profile for JSON-LD: the logo as its largest rendition's address. */
  async publisher(): Promise<PublisherProfile> {
    const profile = await this.get();
    const asset = await this.logo(profile);
    const best = asset?.renditions.reduce<(typeof asset.renditions)[number] | null>(
      (max, r) => (max === null || r.width * r.height > max.width * max.height ? r : max),
      null,
    );
    return {
      ...profile,
      logo: best ? { url: this.urlFor(best.path), width: best.width, height: best.height } : null,
    };
  }

  /** The saved profile, or the configured default (name and home page only) before the first save. */
  async get(): Promise<OrganizationProfile> {
    const saved = await this.ds.getRepository(OrganizationProfile).findOneBy({ id: PROFILE_ID });
    return saved ?? this.defaultProfile();
  }

  private defaultProfile(): OrganizationProfile {
    return Object.assign(new OrganizationProfile(), {
      id: PROFILE_ID,
      name: this.defaults.name,
      url: this.defaults.url,
      logoAssetId: null,
      masthead: "",
      ...Object.fromEntries(POLICY_FIELDS.map((f) => [f, null])),
      updatedAt: null,
    });
  }

  async logo(profile: OrganizationProfile): Promise<MediaAsset | null> {
    return profile.logoAssetId ? this.ds.getRepository(MediaAsset).findOneBy({ id: profile.logoAssetId }) : null;
  }

  /**
   * Apply an admin's edit. The profile is in every article's JSON-LD, so the same transaction
   * tells every instance's response cache to drop everything (delivered at commit).
   */
  async update(input: UpdateOrganizationInput): Promise<OrganizationProfile> {
    if (input.name === null)
      throw new BadUserInputError("name cannot be cleared; send the publication's name.", { field: "name" });
    const name = input.name === undefined ? undefined : toPlainText(input.name).trim();
    if (name === "") throw new BadUserInputError("name must not be blank.", { field: "name" });
    return this.ds.transaction(async (m) => {
      // Row lock on the single profile row (created first if missing): concurrent edits apply in turn.
      await m.query(`INSERT INTO organization_profile (id, name, url) VALUES ($1, $2, $3) ON CONFLICT (id) DO NOTHING`, [
        PROFILE_ID,
        this.defaults.name,
        this.defaults.url,
      ]);
      const current = await m.getRepository(OrganizationProfile).findOne({
        where: { id: PROFILE_ID },
        lock: { mode: "pessimistic_write" },
      });
      if (!current) throw new Error("organization profile row missing after insert");
      if (input.logoAssetId && !(await m.getRepository(MediaAsset).existsBy({ id: input.logoAssetId }))) {
        throw new NotFoundError("Media asset", input.logoAssetId);
      }
      const next: Partial<OrganizationProfile> = {};
      if (name !== undefined) next.name = name;
      if (input.url !== undefined) next.url = input.url;
      if (input.logoAssetId !== undefined) next.logoAssetId = input.logoAssetId;
      if (input.masthead !== undefined) next.masthead = toPlainText(input.masthead ?? "").trim();
      for (const f of POLICY_FIELDS) if (input[f] !== undefined) next[f] = input[f] ?? null;
      await m.getRepository(OrganizationProfile).update({ id: PROFILE_ID }, next);
      await m.query(`SELECT pg_notify('${CACHE_CHANNEL}', $1)`, [`organization ${PURGE_ALL}`]);
      return (await m.getRepository(OrganizationProfile).findOneBy({ id: PROFILE_ID }))!;
    });
  }
}
