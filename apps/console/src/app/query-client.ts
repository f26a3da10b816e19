import type { TMe } from "@bridle/contracts";
import { MutationCache, QueryCache, QueryClient } from "@tanstack/react-query";
import { isApiError, isUnauthorized } from "../lib/api.ts";
import { keepOpenForms } from "../lib/kept-forms.ts";
import { authKeys } from "../features/auth/queries.ts";

/**
 * One client for the console. A 401 from any request means the session ended (expired or signed
 * out elsewhere): the open forms' values are kept (lib/kept-forms.ts), then forgetting the
 * signed-in person sends the root back to the login page.
 */
export function createQueryClient(): QueryClient {
  const sessionEnded = () => {
    const me = client.getQueryData<TMe | null>(authKeys.me());
    if (me === null) return;
    keepOpenForms(me?.id ?? null);
    client.setQueryData(authKeys.me(), null);
  };
  const client: QueryClient = new QueryClient({
    queryCache: new QueryCache({
      onError: (error) => {
        if (isUnauthorized(error)) sessionEnded();
      },
    }),
    mutationCache: new MutationCache({
      onError: (error, _variables, _context, mutation) => {
        // A failed login is a 401 too; it is not a lost session.
        if (isUnauthorized(error) && mutation.options.mutationKey?.[0] !== authKeys.all[0]) sessionEnded();
      },
    }),
    defaultOptions: {
      // A save made offline fails at once with "You are offline; nothing was saved" (lib/api.ts)
      // instead of waiting, paused, for the network to come back.
      mutations: { networkMode: "always" },
      queries: {
        staleTime: 30_000,
        refetchOnWindowFocus: false,
        // Client errors (4xx) will not get better by asking again.
        retry: (failureCount, error) => !(isApiError(error) && error.status >= 400 && error.status < 500) && failureCount < 2,
      },
    },
  });
  return client;
}
