import { describe, expect, it } from "vitest";
import { reviewPeriod } from "./access-reviews.jobs.ts";

describe("reviewPeriod", () => {
  it("names the calendar quarter or month in UTC, or nothing when the schedule is off", () => {
    const at = (schedule: "quarterly" | "monthly", iso: string) => {
      const p = reviewPeriod(schedule, new Date(iso))!;
      return `${p.key} from ${p.start.toISOString()}`;
    };
    expect(at("quarterly", "2026-01-01T00:00:00Z")).toBe("2026-Q1 from 2026-01-01T00:00:00.000Z");
    expect(at("quarterly", "2026-03-31T23:59:59Z")).toBe("2026-Q1 from 2026-01-01T00:00:00.000Z");
    expect(at("quarterly", "2026-04-01T00:00:00Z")).toBe("2026-Q2 from 2026-04-01T00:00:00.000Z");
    expect(at("quarterly", "2026-12-31T23:00:00Z")).toBe("2026-Q4 from 2026-10-01T00:00:00.000Z");
    expect(at("monthly", "2026-11-30T04:00:00Z")).toBe("2026-11 from 2026-11-01T00:00:00.000Z");
    expect(reviewPeriod("off", new Date("2026-11-30T04:00:00Z"))).toBeNull();
  });
});
