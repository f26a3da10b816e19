import { ZCreateSkillRequest, ZSkillSource, isExactVersion, parseToolRef } from "@bridle/contracts";
import { describe, expect, it } from "vitest";
import { instructionReviewRefusal, skillReviewRefusal } from "./instructions.ts";
import { checkSkills, skillRegistryOf, skillState } from "./skills.ts";

const REGISTRY = skillRegistryOf([
  { name: "gh", version: "2.63.0", status: "approved" },
  { name: "@openclaw/skill-github", version: "1.4.2", status: "approved" },
  { name: "@openclaw/skill-github", version: "1.5.0", status: "pending" },
  { name: "linear-mcp", version: "0.9.3", status: "rejected" },
]);

describe("tool references", () => {
  it("splits name@version at the last @, keeping an npm scope in the name", () => {
    expect(parseToolRef("gh@2.63.0")).toEqual({ name: "gh", version: "2.63.0" });
    expect(parseToolRef("@openclaw/skill-github@1.4.2")).toEqual({ name: "@openclaw/skill-github", version: "1.4.2" });
    expect(parseToolRef("@openclaw/skill-github")).toEqual({ name: "@openclaw/skill-github", version: null });
    expect(parseToolRef("GH")).toEqual({ name: "gh", version: null });
  });
  it("accepts exact semantic versions only", () => {
    for (const v of ["1.4.2", "0.0.1", "2.0.0-rc.1", "10.20.30-beta.2"]) expect(isExactVersion(v), v).toBe(true);
    for (const v of ["^1.4.2", "~1.4", "1.x", "*", ">=1.0.0", "latest", "v1.4.2", "=1.4.2", "1.4", "", " 1.4.2", "1.0.0+build.5"]) expect(isExactVersion(v), v).toBe(false);
  });
});

describe("skillState", () => {
  it("names the registry status of the exact version, unregistered or unpinned", () => {
    expect(skillState("gh@2.63.0", REGISTRY).state).toBe("approved");
    expect(skillState("@openclaw/skill-github@1.5.0", REGISTRY).state).toBe("pending");
    expect(skillState("linear-mcp@0.9.3", REGISTRY).state).toBe("rejected");
    expect(skillState("gh@2.64.0", REGISTRY).state).toBe("unregistered");
    expect(skillState("vercel@39.1.1", REGISTRY).state).toBe("unregistered");
    expect(skillState("gh@^2.63.0", REGISTRY).state).toBe("unpinned");
    expect(skillState("gh@latest", REGISTRY).state).toBe("unpinned");
    expect(skillState("gh", REGISTRY).state).toBe("unpinned");
  });
});

describe("checkSkills (BR-SKILL-REGISTRY)", () => {
  it("raises nothing when every tool is an approved exact version, or when there are none", () => {
    expect(checkSkills(["gh@2.63.0", "@openclaw/skill-github@1.4.2"], REGISTRY)).toBeNull();
    expect(checkSkills([], REGISTRY)).toBeNull();
    expect(checkSkills(null, REGISTRY)).toBeNull();
  });
  it("lists every tool that is unregistered, unpinned, pending or rejected, with its problem", () => {
    const f = checkSkills(["gh@2.63.0", "vercel@39.1.1", "gh@^2", "@openclaw/skill-github@1.5.0", "linear-mcp@0.9.3"], REGISTRY)!;
    expect(f.kind).toBe("unapproved_skill");
    expect(f.rule).toBe("BR-SKILL-REGISTRY");
    expect(f.details).toEqual({
      skills: [
        { tool: "vercel@39.1.1", name: "vercel", version: "39.1.1", problem: "unregistered" },
        { tool: "gh@^2", name: "gh", version: "^2", problem: "unpinned" },
        { tool: "@openclaw/skill-github@1.5.0", name: "@openclaw/skill-github", version: "1.5.0", problem: "pending" },
        { tool: "linear-mcp@0.9.3", name: "linear-mcp", version: "0.9.3", problem: "rejected" },
      ],
    });
    expect(f.message).toBe(
      "The bot may use skills that security has not approved: vercel@39.1.1 (not in the registry), gh@^2 (not pinned to an exact version), " +
        "@openclaw/skill-github@1.5.0 (waiting for security's review) and linear-mcp@0.9.3 (rejected in review).",
    );
  });
});

describe("registry entry validation", () => {
  const base = { name: "openclaw-skill-github", version: "1.4.2", source: { registry: "npm", package: "@openclaw/skill-github" }, owner: "a@acme.example" };
  it("accepts an npm package, a ClawHub URL and a git URL as sources", () => {
    expect(ZCreateSkillRequest.safeParse(base).success).toBe(true);
    expect(ZSkillSource.safeParse({ registry: "clawhub", package: "https://clawhub.ai/acme/github" }).success).toBe(true);
    expect(ZSkillSource.safeParse({ registry: "git", package: "git+https://github.com/acme/skill.git" }).success).toBe(true);
  });
  it("refuses ranges and tags as versions, bad names, and a source that does not fit its registry", () => {
    expect(ZCreateSkillRequest.safeParse({ ...base, version: "^1.4.2" }).success).toBe(false);
    expect(ZCreateSkillRequest.safeParse({ ...base, version: "latest" }).success).toBe(false);
    expect(ZCreateSkillRequest.safeParse({ ...base, name: "GitHub Skill" }).success).toBe(false);
    expect(ZSkillSource.safeParse({ registry: "npm", package: "https://evil.example/x" }).success).toBe(false);
    expect(ZSkillSource.safeParse({ registry: "clawhub", package: "@openclaw/skill-github" }).success).toBe(false);
    expect(ZSkillSource.safeParse({ registry: "git", package: "http://github.com/acme/skill" }).success).toBe(false);
  });
});

describe("who reviews", () => {
  const pending = { status: "pending_review", botOwnerId: "owner", uploadedByPersonId: null };
  const person = (personId: string, mayReviewAny = false) => ({ personId, roles: [], mayReviewAny, isBotIdentity: false });
  it("lets the owner or security review a bot's own upload", () => {
    expect(instructionReviewRefusal(person("owner"), pending)).toBeNull();
    expect(instructionReviewRefusal(person("sec", true), pending)).toBeNull();
    expect(instructionReviewRefusal(person("someone"), pending)).toBe("not_reviewer");
  });
  it("never lets a person review their own upload, owner or security alike", () => {
    expect(instructionReviewRefusal(person("owner"), { ...pending, uploadedByPersonId: "owner" })).toBe("own_upload");
    expect(instructionReviewRefusal(person("sec", true), { ...pending, uploadedByPersonId: "sec" })).toBe("own_upload");
    expect(instructionReviewRefusal(person("sec", true), { ...pending, uploadedByPersonId: "owner" })).toBeNull();
  });
  it("reviews only pending versions, and only by people", () => {
    expect(instructionReviewRefusal(person("owner"), { ...pending, status: "approved" })).toBe("not_pending");
    expect(instructionReviewRefusal({ ...person("owner"), isBotIdentity: true }, pending)).toBe("bot_identity");
  });
  it("lets security review a skill, except the version they registered or a skill they own", () => {
    expect(skillReviewRefusal({ personId: "sec", mayReview: true }, { createdById: "admin", ownerId: "dev" })).toBeNull();
    expect(skillReviewRefusal({ personId: "admin", mayReview: false }, { createdById: "x", ownerId: "dev" })).toBe("not_reviewer");
    expect(skillReviewRefusal({ personId: "sec", mayReview: true }, { createdById: "sec", ownerId: "dev" })).toBe("own_entry");
    expect(skillReviewRefusal({ personId: "sec", mayReview: true }, { createdById: "admin", ownerId: "sec" })).toBe("own_skill");
  });
});
