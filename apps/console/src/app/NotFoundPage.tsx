import { EmptyBlock } from "../components/states.tsx";
import { ButtonLink } from "../components/links.tsx";

export function NotFoundPage() {
  return (
    <EmptyBlock
      title="Page not found"
      description="There is nothing at this address."
      action={
        <ButtonLink to="/bots" variant="default">
          Go to the inventory
        </ButtonLink>
      }
    />
  );
}
