import { describe, expect, it } from "vitest";
import { findSecrets, withoutEchoedSecrets } from "./secrets.ts";

// Realistic AWS secret access keys (40 characters of A-Z a-z 0-9 / +), random, never issued.
const ENDS_IN_SLASH = "0xBAn4x7GA0pqy3nREWiyT5CBK0MEz1duGJnLPD/";
const ENDS_IN_PLUS = "Q4g94mQZT/q4x4iy6ZPv3tYlDYrJsWMLYeW1De6+";
const ENDS_IN_LETTER = "rS6+7+Fs7hWbqdzhlF+OWxeyp7WCnBlDQf6qC6mh";

const rules = async (text: string) => (await findSecrets(text)).map((h) => `${h.line}:${h.rule}`);

describe("findSecrets: AWS secret access keys", () => {
  it.each([ENDS_IN_SLASH, ENDS_IN_PLUS])("finds a labelled key ending in / or + (%s)", async (key) => {
    expect(await rules(`aws_secret_access_key = ${key}`)).toEqual(["1:bridle/aws-secret-access-key"]);
    expect(await rules(`[default]\nAWS_SECRET_ACCESS_KEY="${key}"\nregion = eu-west-1`)).toEqual(["2:bridle/aws-secret-access-key"]);
    expect(await rules(`{"aws_secret_access_key": "${key}"}`)).toEqual(["1:bridle/aws-secret-access-key"]);
  });

  it("leaves a labelled key ending in a letter to secretlint's own rule (one hit, not two)", async () => {
    expect(await rules(`aws_secret_access_key = ${ENDS_IN_LETTER}`)).toEqual(["1:aws"]);
  });

  it.each([ENDS_IN_SLASH, ENDS_IN_PLUS, ENDS_IN_LETTER])("finds a key pasted alone into a field (%s)", async (key) => {
    expect(await rules(key)).toEqual(["1:bridle/aws-secret-access-key"]);
    expect(await rules(`team\t"${key}"`)).toEqual(["1:bridle/aws-secret-access-key"]);
    expect(await rules(`name,team,owner\nbot-a,${key},a@example.com`)).toEqual(["2:bridle/aws-secret-access-key"]);
  });

  it("does not flag references, digests, paths or the AWS documentation example", async () => {
    const harmless = [
      "op://Engineering/AwsProdBots/SecretAccessKey12",
      "op://vault/aws-prod/secret_access_key",
      "vault:secret/data/bots/aws#secret_access_key",
      "arn:aws:secretsmanager:eu-west-1:123456789012:secret:bots/aws-AbC123",
      "projects/acme-prod/secrets/Bot4AwsKeyXyz0123456789abcdefABCDEFgh",
      "3f786850e387550fdab836ed7e6dc881de23001b", // a git commit id
      "/srv/bots/Deploy2026/keys/Rotation/Config", // a path
      "aws_secret_access_key = wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
      "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
      "Reviews pull requests and files issues for the Platform2026 team",
    ];
    expect(await rules(harmless.join("\n"))).toEqual([]);
  });
});

describe("withoutEchoedSecrets", () => {
  it("keeps a quoted value that is harmless and drops one that looks like a secret", async () => {
    const out = await withoutEchoedSecrets([
      { message: "unknown team platform", echoed: "platform", withoutValue: "no team has this slug" },
      { message: `unknown team ${ENDS_IN_SLASH}`, echoed: ENDS_IN_SLASH, withoutValue: "no team has this slug" },
      { message: "ghp token", echoed: "ghp_R8nq1Vw2xYz3AbCdEfGhIjKlMnOpQrStUv4W", withoutValue: "no owner has this email" },
      { message: "no echo" },
    ]);
    expect(out).toEqual([
      { message: "unknown team platform" },
      { message: "no team has this slug" },
      { message: "no owner has this email" },
      { message: "no echo" },
    ]);
  });
});
