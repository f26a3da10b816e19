import { ZApprovalRequest, type TApprovalRequest, type TDecision, type TDecisionRequest } from "@bridle/contracts";
import { createJsonPoster, type JsonAnswer } from "./transport.ts";
import { createDecisionVerifier, type DecisionVerifier } from "./verify.ts";

/**
 * What a runtime may not do when Bridle cannot answer (network error, timeout, 5xx):
 * `closed` (the default) denies everything; `open_read_only` allows the actions the runtime
 * itself marks read-only (`decide(..., { readOnly: true })`) and denies the rest.
 */
export type FailMode = "closed" | "open_read_only";

export type BridleClientOptions = {
  /** Bridle's base URL, e.g. `https://bridle.example.com` (the API lives under `/api/v1`). */
  baseUrl: string;
  /** The bot's runtime token (`brdl_bot_...`). */
  token: string;
  failMode?: FailMode;
  /** How long one decision request may take before Bridle counts as unreachable, in ms (default 5000). */
  timeoutMs?: number;
};

/** A reason in a verdict: Bridle's own (signed), or one of the SDK's `sdk_*` codes. */
export type VerdictReason = { code: string; message: string; rule: string };

/**
 * What the runtime must do. `source` says where it comes from: `bridle` (a decision whose
 * signature verified, in `decision`), `unreachable` (the fail mode decided), `bad_signature`
 * (an answer that did not verify: always deny), `rejected` (Bridle refused the request: 4xx).
 */
export type Verdict = {
  decision: "allow" | "deny" | "require_approval";
  reasons: VerdictReason[];
  approvalRequestId: string | null;
  source: "bridle" | "unreachable" | "bad_signature" | "rejected";
  /** The signed decision as Bridle sent it (source `bridle` only). */
  signed: TDecision | null;
};

/** The SDK's own reason codes (rule `SDK`). */
export const SDK_REASONS = {
  unreachable: "sdk_bridle_unreachable",
  failOpen: "sdk_fail_open_read_only",
  badSignature: "sdk_signature_invalid",
  rejected: "sdk_request_rejected",
  approvalTimeout: "sdk_approval_timeout",
} as const;

const sdkReason = (code: string, message: string): VerdictReason => ({ code, message, rule: "SDK" });
const deny = (source: Verdict["source"], reason: VerdictReason): Verdict => ({ decision: "deny", reasons: [reason], approvalRequestId: null, source, signed: null });

/** The longest one long-poll asks Bridle to wait, in seconds (the server's cap). */
const LONG_POLL_SECONDS = 60;

export type ApprovalOutcome = TApprovalRequest["status"] | "timeout";

export type BridleClient = {
  /**
   * `POST /api/v1/decisions`: may the bot take this action? Resolves to a verdict, never
   * rejects except when `signal` aborts. A decision that is unsigned or whose signature does not
   * verify against Bridle's JWKS is a deny; Bridle unreachable follows the fail mode.
   */
  decide: (request: TDecisionRequest, opts?: { signal?: AbortSignal; readOnly?: boolean }) => Promise<Verdict>;
  /**
   * Long-polls `GET /api/v1/approval-requests/{id}?wait=N` until the request leaves `pending`, or
   * `timeoutMs` passes (`timeout`). Rejects with the signal's reason when `signal` aborts, and
   * with an Error when Bridle answers with an error or cannot be reached.
   */
  waitForApproval: (approvalRequestId: string, opts: { timeoutMs: number; signal?: AbortSignal }) => Promise<ApprovalOutcome>;
  /**
   * The whole loop for one action: decide; on `require_approval` wait up to `waitMs` for the
   * approval, then ask again with the same request (same `requestId` and parameters), which
   * Bridle allows once. Anything but an approval ends in a deny. `onPending` is called once
   * when the wait starts (to tell a person where to approve).
   */
  decideAndWait: (
    request: TDecisionRequest,
    opts: { waitMs: number; signal?: AbortSignal; readOnly?: boolean; onPending?: (approvalRequestId: string) => void },
  ) => Promise<Verdict>;
  verifier: DecisionVerifier;
};

export function createBridleClient(opts: BridleClientOptions): BridleClient {
  const base = opts.baseUrl.replace(/\/+$/, "");
  const failMode = opts.failMode ?? "closed";
  const timeoutMs = opts.timeoutMs ?? 5_000;
  const verifier = createDecisionVerifier({ baseUrl: base, timeoutMs });
  const headers = { authorization: `Bearer ${opts.token}`, "content-type": "application/json" };
  const poster = createJsonPoster(base);

  const unreachable = (readOnly: boolean, why: string): Verdict =>
    failMode === "open_read_only" && readOnly
      ? { decision: "allow", reasons: [sdkReason(SDK_REASONS.failOpen, `Bridle is unreachable (${why}); read-only action allowed by the fail-open setting`)], approvalRequestId: null, source: "unreachable", signed: null }
      : deny("unreachable", sdkReason(SDK_REASONS.unreachable, `Bridle is unreachable (${why}); blocked (fail closed)`));

  async function decide(request: TDecisionRequest, o: { signal?: AbortSignal; readOnly?: boolean } = {}): Promise<Verdict> {
    const readOnly = o.readOnly ?? false;
    const signal = o.signal ? AbortSignal.any([o.signal, AbortSignal.timeout(timeoutMs)]) : AbortSignal.timeout(timeoutMs);
    let res: JsonAnswer;
    try {
      res = await poster.post(`${base}/api/v1/decisions`, headers, JSON.stringify(request), signal);
    } catch (e) {
      if (o.signal?.aborted) throw o.signal.reason;
      return unreachable(readOnly, (e as Error).name === "TimeoutError" ? `no answer in ${timeoutMs} ms` : (e as Error).message);
    }
    const body = res.body;
    if (res.status >= 500) return unreachable(readOnly, `HTTP ${res.status}`);
    if (res.status !== 200) {
      const msg = (body as { error?: { message?: string } } | null)?.error?.message ?? `HTTP ${res.status}`;
      return deny("rejected", sdkReason(SDK_REASONS.rejected, `Bridle refused the request: ${msg}`));
    }
    const checked = await verifier.verify(body, request.requestId);
    if (typeof checked === "string") return deny("bad_signature", sdkReason(SDK_REASONS.badSignature, `Decision not trusted: ${checked}`));
    return { decision: checked.decision, reasons: checked.reasons, approvalRequestId: checked.approvalRequestId, source: "bridle", signed: checked };
  }

  async function waitForApproval(id: string, o: { timeoutMs: number; signal?: AbortSignal }): Promise<ApprovalOutcome> {
    const until = Date.now() + o.timeoutMs;
    for (;;) {
      o.signal?.throwIfAborted();
      const left = until - Date.now();
      if (left <= 0) return "timeout";
      const wait = Math.min(LONG_POLL_SECONDS, Math.ceil(left / 1000));
      // The poll itself is bounded by our own deadline (Bridle answers at `wait` seconds anyway).
      const deadline = AbortSignal.timeout(left + 50);
      const signal = o.signal ? AbortSignal.any([o.signal, deadline]) : deadline;
      let res: Response;
      try {
        res = await fetch(`${base}/api/v1/approval-requests/${encodeURIComponent(id)}?wait=${wait}`, { headers: { authorization: headers.authorization }, signal });
      } catch (e) {
        if (o.signal?.aborted) throw o.signal.reason;
        if (deadline.aborted) return "timeout";
        throw e;
      }
      if (res.status !== 200) throw new Error(`Bridle answered ${res.status} for approval request ${id}`);
      const request = ZApprovalRequest.parse(await res.json());
      if (request.status !== "pending") return request.status;
    }
  }

  async function decideAndWait(
    request: TDecisionRequest,
    o: { waitMs: number; signal?: AbortSignal; readOnly?: boolean; onPending?: (id: string) => void },
  ): Promise<Verdict> {
    const first = await decide(request, o);
    if (first.decision !== "require_approval") return first;
    const id = first.approvalRequestId;
    if (!id) return deny("bridle", sdkReason(SDK_REASONS.rejected, "Approval required, but Bridle named no approval request"));
    o.onPending?.(id);
    let outcome: ApprovalOutcome;
    try {
      outcome = await waitForApproval(id, { timeoutMs: o.waitMs, signal: o.signal });
    } catch (e) {
      if (o.signal?.aborted) throw e;
      return unreachable(false, (e as Error).message);
    }
    if (outcome === "timeout")
      return { ...first, decision: "deny", reasons: [sdkReason(SDK_REASONS.approvalTimeout, `No approval within ${Math.round(o.waitMs / 1000)} s (approval request ${id}); blocked`)] };
    // Approved or not, Bridle has the last word: the same request again is allowed once if approved.
    return decide(request, o);
  }

  return { decide, waitForApproval, decideAndWait, verifier };
}
