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
};

export const SSO_ERROR_GENERIC = "Single sign-on failed";

export function ssoErrorMessage(code: string): string {
  return SSO_ERROR_MESSAGES[code] ?? "Something went wrong while signing in with your identity provider. Try again.";
}
