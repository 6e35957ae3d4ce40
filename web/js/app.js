// The shell: language switcher, client-side routing, focus and title management.
//
// A view is a module whose default export is `async function render(ctx)`; it draws
// into ctx.main and may return a cleanup function (stop timers, drop listeners).
// ctx = {main, params, query, path, navigate(path, {replace}), setTitle(text),
//        setLeaveGuard(fn), rerender}.
// When the language changes the router calls cleanup and render again with
// rerender = true: keep unfinished work (a half-filled ballot) in module state, not
// only in the DOM. A leave guard returns a sentence when leaving would lose work
// (the router asks before an in-site link and the browser before closing the tab).
import { initI18n, LANGUAGES, language, setLanguage, onLanguageChange, t, applyDocument } from './i18n.js';
import { h, replace } from './dom.js';
import { ROUTES, NOT_FOUND, match } from './routes.js';

const main = document.getElementById('main');
let cleanup = null;
let leaveGuard = null;
let renderToken = 0;
let currentAddress = location.pathname + location.search; // the address now drawn

function resolve(path) {
  for (const r of ROUTES) {
    const params = match(r.pattern, path);
    if (params) return { view: r.view, params };
  }
  return { view: NOT_FOUND, params: {} };
}

function setTitle(text) {
  const site = t('common.site_name');
  document.title = text ? `${text} – ${site}` : site;
}

async function render({ rerender = false } = {}) {
  const token = ++renderToken;
  if (cleanup) {
    try { cleanup(); } catch (e) { console.error(e); }
    cleanup = null;
  }
  leaveGuard = null;
  const path = location.pathname.replace(/\/+$/, '') || '/';
  const { view, params } = resolve(path);
  const ctx = {
    main,
    params,
    query: new URLSearchParams(location.search),
    path,
    navigate,
    setTitle,
    setLeaveGuard: (fn) => { leaveGuard = fn; },
    rerender,
    // True while this render is still the current one (an async view checks it
    // before drawing, so a slow answer never draws over a newer page).
    current: () => token === renderToken,
  };
  main.setAttribute('aria-busy', 'true');
  try {
    const result = await view(ctx);
    if (token === renderToken && typeof result === 'function') cleanup = result;
    else if (typeof result === 'function') result();
  } catch (e) {
    console.error(e);
    if (token === renderToken) {
      replace(main, h('h1', { text: t('common.error_title') }),
        h('p', { class: 'notice notice--error', text: e.message || t('common.error_unknown') }),
        h('p', {}, h('a', { href: '/' }, t('common.nav_home'))));
    }
  } finally {
    if (token === renderToken) main.removeAttribute('aria-busy');
  }
  if (token !== renderToken) return;
  markScrollingTables();
  currentAddress = location.pathname + location.search;
  if (!rerender) {
    const heading = main.querySelector('h1');
    const target = heading || main;
    if (heading && !heading.hasAttribute('tabindex')) heading.setAttribute('tabindex', '-1');
    target.focus({ preventScroll: false });
    window.scrollTo(0, 0);
  }
}

// Goes to `path` inside the site (asks first when the current page would lose work).
export function navigate(path, { replace: replaceEntry = false, force = false } = {}) {
  if (!force && leaveGuard) {
    const message = leaveGuard();
    if (message && !window.confirm(message)) return false;
  }
  if (replaceEntry) history.replaceState(null, '', path);
  else history.pushState(null, '', path);
  render();
  return true;
}

// A table wider than the screen scrolls sideways inside its .table-wrap; such a
// region must take the keyboard focus so that it can be scrolled without a mouse
// (and be named for screen readers). Wrappers that fit are left out of the Tab order.
function markScrollingTables() {
  for (const wrap of main.querySelectorAll('.table-wrap')) {
    const scrolls = wrap.scrollWidth > wrap.clientWidth + 1;
    const marked = wrap.dataset.scrolls === 'true';
    if (scrolls && !marked) {
      const caption = wrap.querySelector('caption');
      wrap.dataset.scrolls = 'true';
      wrap.setAttribute('tabindex', '0');
      wrap.setAttribute('role', 'region');
      wrap.setAttribute('aria-label', (caption && caption.textContent.trim()) || t('common.table_scrolls'));
    } else if (!scrolls && marked) {
      delete wrap.dataset.scrolls;
      for (const name of ['tabindex', 'role', 'aria-label']) wrap.removeAttribute(name);
    }
  }
}

function watchTables() {
  let queued = false;
  const later = () => {
    if (queued) return;
    queued = true;
    requestAnimationFrame(() => { queued = false; markScrollingTables(); });
  };
  new MutationObserver(later).observe(main, { childList: true, subtree: true });
  window.addEventListener('resize', later);
}

function drawLanguages() {
  const nav = document.getElementById('languages');
  const label = nav.querySelector('#languages-label');
  replace(nav, label, h('ul', { class: 'language-switcher__list' },
    LANGUAGES.map((l) => h('li', {},
      h('button', {
        type: 'button',
        class: 'language-switcher__button',
        lang: l.code,
        'aria-pressed': l.code === language() ? 'true' : 'false',
        onclick: () => setLanguage(l.code),
      }, l.name)))));
}

function inSiteLink(event) {
  if (event.defaultPrevented || event.button !== 0 || event.metaKey || event.ctrlKey || event.shiftKey || event.altKey) return;
  const a = event.target.closest('a[href]');
  if (!a || a.target || a.hasAttribute('download') || a.origin !== location.origin) return;
  const path = a.pathname;
  if (path.startsWith('/api/') || /\.[a-z0-9]+$/i.test(path)) return; // files and downloads
  event.preventDefault();
  if (path === location.pathname && a.search === location.search) {
    if (a.hash) document.getElementById(a.hash.slice(1))?.focus();
    return;
  }
  navigate(path + a.search);
}

async function start() {
  await initI18n();
  drawLanguages();
  onLanguageChange(() => {
    drawLanguages();
    applyDocument();
    render({ rerender: true }).then(() => {
      // Keep the focus on the language just chosen.
      document.querySelector(`.language-switcher__button[lang="${language()}"]`)?.focus();
    });
  });
  document.addEventListener('click', inSiteLink);
  watchTables();
  // Back/forward: the address has already changed; when leaving would lose work and
  // the person says no, put the address back and stay.
  window.addEventListener('popstate', () => {
    const message = leaveGuard && leaveGuard();
    if (message && !window.confirm(message)) {
      history.pushState(null, '', currentAddress);
      return;
    }
    render();
  });
  window.addEventListener('beforeunload', (event) => {
    if (leaveGuard && leaveGuard()) {
      event.preventDefault();
      event.returnValue = '';
    }
  });
  document.querySelector('.skip-link')?.addEventListener('click', (event) => {
    event.preventDefault();
    (main.querySelector('h1') || main).focus();
  });
  await render();
  document.documentElement.dataset.ready = 'true';
  // Keeps the site's files for use without network (web/sw.js); never the API.
  if ('serviceWorker' in navigator) navigator.serviceWorker.register('/sw.js').catch(() => null);
}

start();
