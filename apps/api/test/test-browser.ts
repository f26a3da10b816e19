/**
 * A minimal browser for the SSO integration tests: fetch with manual redirects and a cookie jar
 * per origin, so each redirect of the OpenID Connect dance is seen and checked.
 */
export type TestBrowser = ReturnType<typeof createTestBrowser>;

export function createTestBrowser() {
  const jar = new Map<string, Map<string, string>>();
  const cookiesOf = (origin: string) => {
    let m = jar.get(origin);
    if (!m) jar.set(origin, (m = new Map()));
    return m;
  };

  function store(url: URL, res: Response) {
    for (const line of res.headers.getSetCookie()) {
      const [pair, ...attrs] = line.split(";").map((s) => s.trim());
      const i = pair!.indexOf("=");
      const name = pair!.slice(0, i);
      const value = pair!.slice(i + 1);
      const expired = attrs.some((a) => /^max-age=0$/i.test(a) || (/^expires=/i.test(a) && new Date(a.slice(8)).getTime() < Date.now()));
      if (expired || value === "") cookiesOf(url.origin).delete(name);
      else cookiesOf(url.origin).set(name, value);
    }
  }

  /** One request, redirects not followed; cookies of the URL's origin sent and stored. */
  async function request(url: string | URL, init: { method?: string; form?: Record<string, string>; headers?: Record<string, string> } = {}) {
    const u = new URL(url);
    const cookie = [...cookiesOf(u.origin)].map(([k, v]) => `${k}=${v}`).join("; ");
    const res = await fetch(u, {
      method: init.method ?? (init.form ? "POST" : "GET"),
      redirect: "manual",
      headers: {
        ...(cookie ? { cookie } : {}),
        ...(init.form ? { "content-type": "application/x-www-form-urlencoded" } : {}),
        ...init.headers,
      },
      ...(init.form ? { body: new URLSearchParams(init.form).toString() } : {}),
    });
    store(u, res);
    return res;
  }

  /** Follows redirects from `url` until a non-redirect answer, or until `stop(location)` says to stop before it. */
  async function follow(url: string | URL, stop: (next: URL) => boolean = () => false) {
    let current = new URL(url);
    for (let i = 0; i < 15; i++) {
      const res = await request(current);
      const location = res.headers.get("location");
      if (res.status < 300 || res.status >= 400 || !location) return { res, url: current };
      const next = new URL(location, current);
      if (stop(next)) return { res, url: current, next };
      current = next;
    }
    throw new Error(`too many redirects from ${String(url)}`);
  }

  return {
    request,
    follow,
    cookie: (origin: string, name: string) => jar.get(new URL(origin).origin)?.get(name),
    setCookie: (origin: string, name: string, value: string) => cookiesOf(new URL(origin).origin).set(name, value),
    clear: () => jar.clear(),
  };
}

/**
 * Starts SSO at Bridle and signs in at the test provider's login form as `login` (an account's
 * sub). Returns the callback URL the provider sent the browser to, without visiting it, and the
 * authorization URL Bridle redirected to.
 */
export async function signInAtProvider(b: TestBrowser, opts: { bridle: string; login: string; returnTo?: string; abort?: boolean }) {
  const start = new URL("/auth/login", opts.bridle);
  if (opts.returnTo !== undefined) start.searchParams.set("returnTo", opts.returnTo);
  const first = await b.request(start);
  if (first.status !== 302) throw new Error(`/auth/login answered ${first.status}: ${await first.text()}`);
  const authorizationUrl = new URL(first.headers.get("location")!);
  if (authorizationUrl.origin === new URL(opts.bridle).origin) return { authorizationUrl, callbackUrl: authorizationUrl };
  const atCallback = (u: URL) => u.origin === new URL(opts.bridle).origin;
  const page = await b.follow(authorizationUrl, atCallback);
  if (page.next) return { authorizationUrl, callbackUrl: page.next };
  const html = await page.res.text();
  const action = /<form[^>]*action="([^"]+)"/.exec(html)?.[1];
  if (!action) throw new Error(`no login form at ${page.url.href}: ${html.slice(0, 300)}`);
  const submit = new URL(action.replace(/&amp;/g, "&"), page.url);
  const posted = opts.abort
    ? await b.request(new URL(`${page.url.pathname}/abort`, page.url))
    : await b.request(submit, { form: { prompt: "login", login: opts.login, password: "any-password" } });
  const location = posted.headers.get("location");
  if (!location) throw new Error(`the login form answered ${posted.status} without a redirect: ${(await posted.text()).slice(0, 300)}`);
  const next = new URL(location, submit);
  if (atCallback(next)) return { authorizationUrl, callbackUrl: next };
  const done = await b.follow(next, atCallback);
  if (!done.next) throw new Error(`the provider did not return to Bridle: ${done.res.status} at ${done.url.href}`);
  return { authorizationUrl, callbackUrl: done.next };
}

/** The whole dance: sign in at the provider, then visit Bridle's callback. Returns Bridle's answer. */
export async function ssoSignIn(b: TestBrowser, opts: { bridle: string; login: string; returnTo?: string }) {
  const { callbackUrl } = await signInAtProvider(b, opts);
  const res = await b.request(callbackUrl);
  return { res, location: res.headers.get("location"), callbackUrl };
}
