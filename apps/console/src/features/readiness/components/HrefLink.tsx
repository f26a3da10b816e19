import { Anchor, type AnchorProps } from "@mantine/core";
import { useNavigate } from "@tanstack/react-router";
import type { MouseEvent, ReactNode } from "react";

/**
 * A link to a console path the server built with its filters (`/bots?finding=orphaned`): a real
 * `href` (open in a new tab works), navigated inside the app on a plain click.
 */
export function HrefLink({ href, children, ...props }: AnchorProps & { href: string; children: ReactNode }) {
  const navigate = useNavigate();
  const onClick = (event: MouseEvent<HTMLAnchorElement>) => {
    if (event.button !== 0 || event.metaKey || event.ctrlKey || event.shiftKey || event.altKey) return;
    event.preventDefault();
    void navigate({ href });
  };
  return (
    <Anchor href={href} onClick={onClick} {...props}>
      {children}
    </Anchor>
  );
}
