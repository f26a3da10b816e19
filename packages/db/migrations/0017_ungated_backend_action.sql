-- A gated action for agent runtimes (the OpenClaw plugin): running an agent on a backend whose
-- tool calls the runtime cannot pass through Bridle (OpenClaw's claude-cli backend runs MCP tools
-- without before_tool_call, openclaw #155946). Denied unless the org allows it in its gated-action
-- policy (allow, or require approval).
INSERT INTO "gated_action_policies" ("action", "mode", "approver_role", "approvals_required", "request_ttl_minutes") VALUES
  ('runtime.ungated_backend', 'deny', 'security', 1, 60)
ON CONFLICT DO NOTHING;
