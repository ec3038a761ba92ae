// The phone app's service worker. shuanglian/offline.py serves it at /sw.js (scope: the whole
// site) and writes VERSION, ASSETS (the static files pages need offline) and STATIC_PREFIX in
// front of this file. See docs/architecture.md, "The phone offline".
//
// - Static files: cache first (their names change with their content in production).
// - The cadre's pages: network first; each page that loads is kept, and when the network fails
//   (or takes longer than PAGE_TIMEOUT) the kept copy is shown, marked with the time it was kept
//   (outbox.js shows "离线：数据更新于 …").
// - A new release (a new VERSION) installs a new worker that deletes every older cache. The
//   outbox lives in IndexedDB, not in a cache, so it survives a release.
// - Nothing is sent from here: outbox.js sends the queued forms through the API.
/* global VERSION, ASSETS, STATIC_PREFIX */
const STATIC_CACHE = "static-" + VERSION;
const PAGE_CACHE = "pages-" + VERSION;
const OFFLINE_PAGE = "/offline/";
const PAGE_TIMEOUT = 10000;
// Pages never kept: the admin, the API, sign-in and account pages, the ballot, exports.
// Never kept: sign-in and data pages, the public pages (anyone's phone: a complaint's receipt code
// must not stay on it) and the large downloads (a county's handbooks are streamed, not buffered).
const NOT_KEPT = /^\/(admin|api|accounts|i18n|e|reports|dashboard|sw\.js|jubao|gongkai|papers\/handbooks|identification\/export|poverty)(\/|$)/;

self.addEventListener("install", (event) => {
  event.waitUntil((async () => {
    const cache = await caches.open(STATIC_CACHE);
    await cache.addAll(ASSETS);
    // The page shown offline for a page never opened before (in the language of the day it was kept).
    try { await (await caches.open(PAGE_CACHE)).add(OFFLINE_PAGE); } catch (e) { /* kept next time */ }
    await self.skipWaiting();
  })());
});

self.addEventListener("activate", (event) => {
  event.waitUntil((async () => {
    const keep = [STATIC_CACHE, PAGE_CACHE];
    for (const name of await caches.keys()) {
      if (keep.indexOf(name) === -1) await caches.delete(name);
    }
    await self.clients.claim();
  })());
});

function keptPage(url) {
  return url.origin === self.location.origin && !NOT_KEPT.test(url.pathname) && !url.search;
}

// A copy of a page's response with the time it was kept, for the offline banner.
async function stamped(response) {
  const headers = new Headers(response.headers);
  headers.set("X-Kept-At", new Date().toISOString());
  return new Response(await response.blob(), {status: response.status, statusText: response.statusText, headers});
}

// The kept page, with the time it was kept written into its head for outbox.js to show.
async function fromKept(request) {
  const cache = await caches.open(PAGE_CACHE);
  const kept = await cache.match(request, {ignoreVary: true}) || await cache.match(OFFLINE_PAGE);
  if (!kept) return Response.error();
  const at = kept.headers.get("X-Kept-At") || "";
  const html = (await kept.text()).replace("<head>", '<head><meta name="offline-kept-at" content="' + at + '">');
  return new Response(html, {status: 200, headers: {"Content-Type": "text/html; charset=utf-8"}});
}

// A page that loaded is kept under its address. A page reached by a redirect ("/" sends a cadre
// to 我的双联) is kept under both addresses, unless it ended somewhere not kept (the sign-in page).
async function keep(request, response) {
  const type = response.headers.get("Content-Type") || "";
  if (!response.ok || response.type !== "basic" || type.indexOf("text/html") !== 0) return;
  if (response.redirected && !keptPage(new URL(response.url))) return;
  const cache = await caches.open(PAGE_CACHE);
  const copy = await stamped(response.clone());
  if (response.redirected) await cache.put(response.url, copy.clone());
  await cache.put(request.url, copy);
}

async function networkFirst(request) {
  const timeout = new Promise((resolve) => setTimeout(() => resolve(null), PAGE_TIMEOUT));
  const network = fetch(request).then(async (response) => { await keep(request, response); return response; },
                                       () => null);
  const answer = await Promise.race([network, timeout]);
  return answer || fromKept(request);
}

async function cacheFirst(request) {
  const cache = await caches.open(STATIC_CACHE);
  const hit = await cache.match(request);
  if (hit) return hit;
  const response = await fetch(request);
  if (response.ok) await cache.put(request, response.clone());
  return response;
}

self.addEventListener("fetch", (event) => {
  const request = event.request;
  if (request.method !== "GET") return;
  const url = new URL(request.url);
  if (url.origin !== self.location.origin) return;
  if (url.pathname.indexOf(STATIC_PREFIX) === 0) {
    event.respondWith(cacheFirst(request));
  } else if (request.mode === "navigate" && keptPage(url)) {
    event.respondWith(networkFirst(request));
  }
});

// From outbox.js: keep these pages now (the cadre's pages, while there is a signal), or forget
// every kept page (signing out: the next person on this phone sees none of them); "idle"
// answers once the pages asked for are kept.
let keeping = Promise.resolve();
const KEEP_EVERY = 15 * 60 * 1000;
const KEPT_MARK = "/offline/?kept-at";  // when the linked pages were last fetched (in this version's cache)

async function keptRecently(cache) {
  const mark = await cache.match(KEPT_MARK);
  return !!mark && Date.now() - Number(await mark.text()) < KEEP_EVERY;
}

self.addEventListener("message", (event) => {
  const data = event.data || {};
  const port = event.ports && event.ports[0];
  const done = (answer) => { if (port) port.postMessage(answer); };
  if (data.type === "keep") {
    event.waitUntil(keeping = (async () => {
      const cache = await caches.open(PAGE_CACHE);
      if (await keptRecently(cache)) return done({kept: 0});
      await cache.put(KEPT_MARK, new Response(String(Date.now())));
      let kept = 0;
      for (const path of (data.urls || []).slice(0, 60)) {
        const url = new URL(path, self.location.origin);
        if (!keptPage(url)) continue;
        try {
          const response = await fetch(url.href, {credentials: "same-origin"});
          await keep(new Request(url.href), response);
          kept += 1;
        } catch (e) { break; }  // the signal is gone: keep the rest next time
      }
      done({kept});
    })());
  } else if (data.type === "forget") {
    event.waitUntil((async () => {
      await caches.delete(PAGE_CACHE);
      done({forgotten: true});
    })());
  } else if (data.type === "version") {
    done({version: VERSION});
  } else if (data.type === "idle") {
    event.waitUntil(keeping.then(() => done({idle: true})));  // pages kept: nothing more in flight
  }
});
