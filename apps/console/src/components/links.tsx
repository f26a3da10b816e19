import { Anchor, Button, Card, NavLink } from "@mantine/core";
import type { AnchorProps, ButtonProps, CardProps, NavLinkProps } from "@mantine/core";
import { createLink } from "@tanstack/react-router";
import type { ComponentPropsWithoutRef, Ref } from "react";

/**
 * Mantine components as router links, typed against the route tree (TanStack Router's `createLink`),
 * so `to`, `params` and `search` are checked. Mantine's own `component={Link}` loses those types.
 */

type AnchorElementProps = Omit<ComponentPropsWithoutRef<"a">, keyof AnchorProps>;

function MantineAnchor({ ref, ...props }: AnchorProps & AnchorElementProps & { ref?: Ref<HTMLAnchorElement> }) {
  return <Anchor component="a" ref={ref} {...props} />;
}
function MantineButtonAnchor({
  ref,
  ...props
}: ButtonProps & Omit<ComponentPropsWithoutRef<"a">, keyof ButtonProps> & { ref?: Ref<HTMLAnchorElement> }) {
  return <Button component="a" ref={ref} {...props} />;
}
function MantineCardAnchor({
  ref,
  ...props
}: CardProps & Omit<ComponentPropsWithoutRef<"a">, keyof CardProps> & { ref?: Ref<HTMLAnchorElement> }) {
  return <Card component="a" ref={ref} {...props} />;
}
function MantineNavLinkAnchor({
  ref,
  ...props
}: NavLinkProps & Omit<ComponentPropsWithoutRef<"a">, keyof NavLinkProps> & { ref?: Ref<HTMLAnchorElement> }) {
  return <NavLink component="a" ref={ref} {...props} />;
}

export const AnchorLink = createLink(MantineAnchor);
export const ButtonLink = createLink(MantineButtonAnchor);
export const CardLink = createLink(MantineCardAnchor);
export const NavLinkLink = createLink(MantineNavLinkAnchor);
