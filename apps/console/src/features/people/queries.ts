import { ZPerson, ZPersonDetail, page } from "@bridle/contracts";
import type { TRole } from "@bridle/contracts";
import { infiniteQueryOptions, keepPreviousData, queryOptions, useInfiniteQuery, useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { api } from "../../lib/api.ts";
import { authKeys, meQueryOptions } from "../auth/queries.ts";
import { directoryKeys } from "../directory/queries.ts";
import type { PeopleSearch } from "./search.ts";

export const PEOPLE_PAGE_SIZE = 50;

export const peopleKeys = {
  all: ["people"] as const,
  lists: () => [...peopleKeys.all, "list"] as const,
  list: (search: PeopleSearch) => [...peopleKeys.lists(), search] as const,
  details: () => [...peopleKeys.all, "detail"] as const,
  detail: (id: string) => [...peopleKeys.details(), id] as const,
};

const ZPeoplePage = page(ZPerson);

/** GET /api/v1/people with filters, 50 at a time, ordered by email. */
export const peopleListQueryOptions = (search: PeopleSearch) =>
  infiniteQueryOptions({
    queryKey: peopleKeys.list(search),
    queryFn: ({ pageParam, signal }) =>
      api.get("/api/v1/people", ZPeoplePage, { ...search, limit: PEOPLE_PAGE_SIZE, cursor: pageParam }, signal),
    initialPageParam: undefined as string | undefined,
    getNextPageParam: (last) => last.nextCursor ?? undefined,
    placeholderData: keepPreviousData,
  });

export const usePeopleList = (search: PeopleSearch) => useInfiniteQuery(peopleListQueryOptions(search));

export const personQueryOptions = (id: string) =>
  queryOptions({
    queryKey: peopleKeys.detail(id),
    queryFn: ({ signal }) => api.get(`/api/v1/people/${encodeURIComponent(id)}`, ZPersonDetail, undefined, signal),
  });

export const usePerson = (id: string) => useQuery(personQueryOptions(id));

/** PATCH /api/v1/people/{id} {roles} (needs identity.manage). */
export function useUpdatePersonRoles(id: string) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (roles: TRole[]) => api.patch(`/api/v1/people/${encodeURIComponent(id)}`, ZPersonDetail, { roles }),
    onSuccess: (person) => {
      queryClient.setQueryData(peopleKeys.detail(person.id), person);
      void queryClient.invalidateQueries({ queryKey: peopleKeys.lists() });
      void queryClient.invalidateQueries({ queryKey: directoryKeys.people() });
      // Changing one's own roles changes one's permissions.
      const me = queryClient.getQueryData(meQueryOptions().queryKey);
      if (me && me.id === person.id) void queryClient.invalidateQueries({ queryKey: authKeys.me() });
    },
  });
}
