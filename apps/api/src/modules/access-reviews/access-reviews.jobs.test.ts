import { describe, expect, it } from "vitest";
import { reviewPeriod } from "./access-reviews.jobs.ts";

describe("reviewPeriod", () => {
  it("names the calendar quarter or month in UTC, or nothing when the schedule is off", () => {
    expect(reviewPeriod("quarterly", new Date("2026-01-01T00:00:00Z"))).toBe("2026-Q1");
    expect(reviewPeriod("quarterly", new Date("2026-03-31T23:59:59Z"))).toBe("2026-Q1");
    expect(reviewPeriod("quarterly", new Date("2026-04-01T00:00:00Z"))).toBe("2026-Q2");
    expect(reviewPeriod("quarterly", new Date("2026-12-31T23:00:00Z"))).toBe("2026-Q4");
    expect(reviewPeriod("monthly", new Date("2026-11-30T04:00:00Z"))).toBe("2026-11");
    expect(reviewPeriod("off", new Date("2026-11-30T04:00:00Z"))).toBeNull();
  });
});
