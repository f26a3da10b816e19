/**
 * Messages for `?ssoError=<code>`, which /auth/callback adds when single sign-on fails.
 * Unknown codes get the generic message.
 */
const SSO_ERROR_MESSAGES: Record<string, string> = {
  state_invalid: "The sign-in took too long or was started in another browser tab. Try again.",
  provider_error: "The identity provider refused or cancelled the sign-in.",
  token_invalid: "The identity provider's answer could not be verified.",
  not_provisioned: "Your account is not provisioned in Bridle. Ask your IT team to give you access.",
  deactivated: "Your Bridle account is deactivated.",
  sso_disabled: "Single sign-on is turned off. Use the local admin account, or ask an admin.",
  sso_misconfigured: "Single sign-on is not fully configured (issuer or client id missing). Ask an admin to finish the setup.",
  provider_unavailable: "The identity provider could not be reached. Try again in a moment, or ask an admin to check the issuer URL.",
  account_conflict:
    "Your Bridle account is linked to a different identity, or is the local admin account, which cannot use single sign-on. Ask an admin.",
};

export const SSO_ERROR_GENERIC = "Single sign-on failed";

export function ssoErrorMessage(code: string): string {
  return SSO_ERROR_MESSAGES[code] ?? "Something went wrong while signing in with your identity provider. Try again.";
}
