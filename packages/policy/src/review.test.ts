import { describe, expect, it } from "vitest";
import { checkReview, nextReviewDue } from "./review.ts";
import { DAY, daysFromNow, NOW } from "./test-support.ts";

describe("nextReviewDue", () => {
  it("counts from the last review", () => {
    const due = nextReviewDue({ createdAt: new Date("2024-01-01T00:00:00Z"), lastReviewedAt: new Date("2025-03-01T00:00:00Z") }, 90);
    expect(due.toISOString()).toBe("2025-05-30T00:00:00.000Z");
  });

  it("counts from creation when never reviewed", () => {
    const due = nextReviewDue({ createdAt: new Date("2025-01-01T00:00:00Z"), lastReviewedAt: null }, 30);
    expect(due.toISOString()).toBe("2025-01-31T00:00:00.000Z");
  });
});

describe("checkReview", () => {
  const reviewed = (daysAgo: number) => ({ status: "active" as const, createdAt: daysFromNow(-1000), lastReviewedAt: daysFromNow(-daysAgo) });

  it("is not overdue before or exactly at the due time", () => {
    expect(checkReview(reviewed(89), 90, NOW)).toBeNull();
    expect(checkReview(reviewed(90), 90, NOW)).toBeNull();
  });

  it("is overdue one millisecond after the due time, with 0 days overdue", () => {
    const bot = { status: "active" as const, createdAt: daysFromNow(-1000), lastReviewedAt: new Date(NOW.getTime() - 90 * DAY - 1) };
    const finding = checkReview(bot, 90, NOW);
    expect(finding?.details).toEqual({ dueAt: new Date(NOW.getTime() - 1).toISOString(), daysOverdue: 0 });
    expect(finding?.message).toContain("less than a day overdue");
  });

  it("reports the due date and whole days overdue", () => {
    const finding = checkReview(reviewed(100), 90, NOW);
    expect(finding).toMatchObject({ kind: "review_overdue", rule: "BR-REVIEW-OVERDUE", severity: "medium" });
    expect(finding?.details).toEqual({ dueAt: daysFromNow(-10).toISOString(), daysOverdue: 10 });
    expect(finding?.message).toBe(
      "The bot's access review was due on 2025-06-05 and is 10 days overdue (last reviewed on 2025-03-07; reviews every 90 days).",
    );
  });

  it("uses the creation date for a never-reviewed bot", () => {
    const finding = checkReview({ status: "paused", createdAt: daysFromNow(-91), lastReviewedAt: null }, 90, NOW);
    expect(finding?.details).toMatchObject({ daysOverdue: 1 });
    expect(finding?.message).toContain("never reviewed");
  });

  it.each(["proposed", "offboarding", "offboarded"] as const)("skips %s bots", (status) => {
    expect(checkReview({ status, createdAt: daysFromNow(-1000), lastReviewedAt: null }, 90, NOW)).toBeNull();
  });
});
