import type { TRole } from "@bridle/contracts";

/**
 * The people of the demo organization (examples/acme-inventory.yaml) whom the demo sign-in page
 * offers: one per persona of DESIGN.md "Who uses it", and a second security person for dual
 * control. Their roles come from their groups through DEMO_ROLE_MAPPING, exactly as a real
 * provider's groups would; the demo file gives them the same roles, so nothing changes at sign-in.
 */
export type DemoPerson = {
  /** the provider's subject (stable account id) */
  sub: string;
  email: string;
  name: string;
  groups: string[];
  /** the persona, as the sign-in page shows it */
  persona: string;
  /** what this person can do in Bridle, in a sentence */
  can: string;
};

export const DEMO_PEOPLE: readonly DemoPerson[] = [
  {
    sub: "demo|lucas.meyer",
    email: "lucas.meyer@acme.example",
    name: "Lucas Meyer",
    groups: ["acme-platform"],
    persona: "Bot owner",
    can: "Owns acme-triage-bot and other platform bots: registers bots, requests scope expansions, answers access reviews, transfers ownership.",
  },
  {
    sub: "demo|omar.haddad",
    email: "omar.haddad@acme.example",
    name: "Omar Haddad",
    groups: ["acme-security"],
    persona: "Security",
    can: "Approves or denies scope expansions, gated actions and Golden Rule exceptions; runs incidents.",
  },
  {
    sub: "demo|priya.nair",
    email: "priya.nair@acme.example",
    name: "Priya Nair",
    groups: ["acme-security"],
    persona: "Security (second approver)",
    can: "The second security approver a Golden Rule exception needs (dual control).",
  },
  {
    sub: "demo|sam.taylor",
    email: "sam.taylor@acme.example",
    name: "Sam Taylor",
    groups: ["acme-it"],
    persona: "IT",
    can: "Approves ownership transfers; provisions bot identities and credential references; runs offboarding.",
  },
  {
    sub: "demo|ines.moreau",
    email: "ines.moreau@acme.example",
    name: "Inès Moreau",
    groups: ["acme-audit"],
    persona: "Auditor",
    can: "Reads every bot, finding, person and approval request, and exports the inventory; changes nothing.",
  },
  {
    sub: "demo|maya.chen",
    email: "maya.chen@acme.example",
    name: "Maya Chen",
    groups: ["acme-admins"],
    persona: "Admin",
    can: "Sets org policy (naming, channels, gated actions, review cadence) and identity settings.",
  },
];

/** The demo provider's groups, mapped to Bridle roles like an admin maps Okta or Entra ID groups. */
export const DEMO_ROLE_MAPPING: readonly { group: string; role: TRole }[] = [
  { group: "acme-admins", role: "admin" },
  { group: "acme-security", role: "security" },
  { group: "acme-it", role: "it" },
  { group: "acme-audit", role: "auditor" },
];
