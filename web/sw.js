// The service worker: keeps a copy of the site's own files (pages, scripts, styles,
// texts, images) so that a page loaded once opens again without the network, e.g.
// a kiosk reloaded while its connection is down. The API is never cached: ballots,
// results and proofs always come from the server.
//
// Network first, the copy only when the network fails, so an update of the site
// reaches every browser at its next load.
const CACHE = 'allot-site-v1';

self.addEventListener('install', () => self.skipWaiting());
self.addEventListener('activate', (event) => {
  event.waitUntil((async () => {
    for (const name of await caches.keys()) if (name !== CACHE) await caches.delete(name);
    await self.clients.claim();
  })());
});

self.addEventListener('fetch', (event) => {
  const request = event.request;
  const url = new URL(request.url);
  if (request.method !== 'GET' || url.origin !== self.location.origin) return;
  if (url.pathname.startsWith('/api/') || url.pathname === '/metrics' || url.pathname === '/healthz') return;
  // Every page of the single-page app is the same index.html.
  const key = request.mode === 'navigate' ? '/' : url.pathname;
  event.respondWith((async () => {
    const cache = await caches.open(CACHE);
    try {
      const response = await fetch(request);
      if (response.ok) await cache.put(key, response.clone());
      return response;
    } catch (e) {
      const copy = await cache.match(key);
      if (copy) return copy;
      throw e;
    }
  })());
});
