import { ContributorRole } from "../../shared/enums";

/** How each role reads in a byline after the writers ("…; additional reporting by C"). */
const ROLE_PHRASE: Record<Exclude<ContributorRole, ContributorRole.WRITER>, string> = {
  [ContributorRole.ADDITIONAL_REPORTING]: "additional reporting by",
  [ContributorRole.PHOTOGRAPHER]: "photographs by",
  [ContributorRole.EDITOR]: "edited by",
  [ContributorRole.TRANSLATOR]: "translated by",
};

/** "A", "A and B", "A, B and C". */
function listNames(names: string[]): string {
  return names.length <= 1 ? (names[0] ?? "") : `${names.slice(0, -1).join(", ")} and ${names.at(-1)}`;
}

/**
 * The byline text, derived from the contributors in their order: writers first, then each other
 * role in the order it first appears, e.g. "Ana Pérez and Luis Gómez; additional reporting by
 * Marta Ruiz". No leading "By": front ends add it (as they did to the free-text byline).
 */
export function deriveByline(contributors: readonly { name: string; role: ContributorRole }[]): string {
  const byRole = new Map<ContributorRole, string[]>();
  for (const c of contributors) {
    const names = byRole.get(c.role) ?? [];
    if (!names.includes(c.name)) names.push(c.name);
    byRole.set(c.role, names);
  }
  const parts: string[] = [];
  const writers = byRole.get(ContributorRole.WRITER);
  if (writers) parts.push(listNames(writers));
  for (const [role, names] of byRole) {
    if (role === ContributorRole.WRITER) continue;
    const phrase = ROLE_PHRASE[role];
    parts.push(`${parts.length === 0 ? phrase[0]!.toUpperCase() + phrase.slice(1) : phrase} ${listNames(names)}`);
  }
  return parts.join("; ");
}
