import { ClaimStatus } from "../../shared/enums";

/*
 * Which claim statuses are verdicts, i.e. fact-checks. A verdict is a finding the newsroom
 * reached on the evidence the article cites, and carries a rating on a published 1..5 scale
 * (1 = false … 5 = true) that schema.org ClaimReview publishes:
 *
 * - CONFIRMED: the cited evidence shows the claim true                 -> 5 "Confirmed"
 * - DISPUTED:  the evidence conflicts: true in part, contested in part -> 3 "Disputed"
 * - DENIED:    the cited evidence shows the claim false                -> 1 "Denied"
 *
 * REPORTED (passed on with its attribution) and UNVERIFIED (not independently checked) say
 * there is no finding: rating them would publish a verdict the newsroom never reached.
 */
export const RATING_SCALE = { worst: 1, best: 5 } as const;

export const CLAIM_VERDICTS: Readonly<Partial<Record<ClaimStatus, { rating: number; label: string }>>> = {
  [ClaimStatus.CONFIRMED]: { rating: 5, label: "Confirmed" },
  [ClaimStatus.DISPUTED]: { rating: 3, label: "Disputed" },
  [ClaimStatus.DENIED]: { rating: 1, label: "Denied" },
};

/** The statuses that are verdicts, best rating first. */
export const VERDICT_STATUSES: readonly ClaimStatus[] = (Object.keys(CLAIM_VERDICTS) as ClaimStatus[]).sort(
  (a, b) => CLAIM_VERDICTS[b]!.rating - CLAIM_VERDICTS[a]!.rating,
);

/** A status as readers read it: "Confirmed", "Reported", "Unverified", … */
export function claimStatusLabel(status: ClaimStatus): string {
  return CLAIM_VERDICTS[status]?.label ?? status.charAt(0) + status.slice(1).toLowerCase();
}
