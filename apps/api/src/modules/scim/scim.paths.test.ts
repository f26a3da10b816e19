import { describe, expect, it } from "vitest";
import { canonicalScimUrl } from "./scim.paths.ts";

describe("canonicalScimUrl", () => {
  it("spells SCIM endpoints as Bridle does, in any case, without a trailing slash", () => {
    expect(canonicalScimUrl("/scim/v2/users")).toBe("/scim/v2/Users");
    expect(canonicalScimUrl("/SCIM/V2/SCHEMAS")).toBe("/scim/v2/Schemas");
    expect(canonicalScimUrl("/scim/v2/Users/")).toBe("/scim/v2/Users");
    expect(canonicalScimUrl('/scim/v2/Users/?filter=userName eq "A@x"')).toBe('/scim/v2/Users?filter=userName eq "A@x"');
    expect(canonicalScimUrl("/scim/v2/groups/AbC-123/")).toBe("/scim/v2/Groups/AbC-123");
    expect(canonicalScimUrl("/scim/v2/resourcetypes/User")).toBe("/scim/v2/ResourceTypes/User");
    expect(canonicalScimUrl("/scim/v2/serviceproviderconfig?x=Y")).toBe("/scim/v2/ServiceProviderConfig?x=Y");
    expect(canonicalScimUrl("/scim/v2/Schemas/urn:ietf:params:scim:schemas:core:2.0:User")).toBe("/scim/v2/Schemas/urn:ietf:params:scim:schemas:core:2.0:User");
  });

  it("leaves unknown endpoints and every other URL alone", () => {
    expect(canonicalScimUrl("/scim/v2/Bulk")).toBe("/scim/v2/Bulk");
    expect(canonicalScimUrl("/scim/v2/")).toBe("/scim/v2/");
    expect(canonicalScimUrl("/scim/v2")).toBe("/scim/v2");
    expect(canonicalScimUrl("/scim/v20/users")).toBe("/scim/v20/users");
    expect(canonicalScimUrl("/api/v1/bots/")).toBe("/api/v1/bots/");
    expect(canonicalScimUrl("/API/v1/Bots")).toBe("/API/v1/Bots");
    expect(canonicalScimUrl("/users")).toBe("/users");
  });
});
