// The live screen (/live/:election), for a projector: the election's title in very
// large type on a dark, high-contrast page; while voting is open the number of
// ballots cast, polled every few seconds (read out politely at most every half
// minute); once the result is published the winners of every contest and a replay
// of the rounds that advances by itself every few seconds, with a Pause button
// (WCAG 2.2.2) and the same First / Previous / Next / Last buttons as the results page.
import { ApiError, get } from '../api.js';
import { announce, h, replace } from '../dom.js';
import { t, formatNumber } from '../i18n.js';
import { contestModel, drawLoadError, electionPath, electionTitle, loadElection, loadResult, textNode } from '../results/data.js';
import { stepper } from '../results/replay.js';
import { roundView } from '../results/rounds.js';

const POLL_MS = 2000;
const ANNOUNCE_MS = 30000;
const STEP_MS = 6000;

// Kept across a language change and between polls.
const state = { id: null, election: null, turnout: null, result: null, step: 0, playing: true, announcedAt: 0 };

function turnoutView() {
  const count = state.turnout.ballots;
  return h('div', { class: 'live-turnout' },
    h('p', { class: 'live-turnout__number', dataset: { ballots: String(count) } }, formatNumber(count)),
    h('p', { class: 'live-turnout__label' }, t('results.live_ballots', { count })));
}

function winnersView(model) {
  return h('section', { class: 'live-contest', 'aria-labelledby': `live-${model.id}`, dataset: { contest: model.id } },
    h('h2', { id: `live-${model.id}` }, textNode('span', model.title)),
    h('p', { class: 'live-contest__lead' }, t(model.budget ? 'results.funded_title' : 'results.elected_title')),
    model.result.winners.length
      ? h('ol', { class: 'live-winners' }, model.result.winners.map((id) => h('li', { dataset: { option: id } },
        model.nameNode(id), model.budget ? h('span', { class: 'live-winners__money' }, ` ${model.money(model.cost(id))}`) : null)))
      : h('p', {}, t(model.budget ? 'results.none_funded' : 'results.none_elected')));
}

// The published view: winners, then one replay through every contest's rounds.
function resultView(cleanups) {
  const models = state.result.contests.map((c) => contestModel(state.election.manifest, c));
  const steps = models.flatMap((model) => model.result.rounds.map((_, index) => ({ model, index })));
  const replay = steps.length ? stepper({
    label: t('results.live_replay_controls'),
    count: steps.length,
    index: state.step,
    counter: (i) => {
      const { model, index } = steps[i];
      return t('results.live_round_of', { contest: model.title.text, round: index + 1, total: model.result.rounds.length });
    },
    render: (i) => roundView(steps[i].model, steps[i].index, true),
    onChange: (i) => { state.step = i; },
    autoplay: { interval: STEP_MS, playing: state.playing, onPlaying: (on) => { state.playing = on; } },
  }) : null;
  if (replay) cleanups.push(replay.stop);
  return [
    h('p', { class: 'live-state' }, t('results.live_published'), ' ',
      h('a', { href: `/results/${encodeURIComponent(state.id)}` }, t('results.live_results_link'))),
    h('div', { class: 'live-result' },
      h('div', { class: 'live-result__winners' }, models.map(winnersView)),
      replay ? h('section', { class: 'live-replay', 'aria-labelledby': 'live-replay-heading' },
        h('h2', { id: 'live-replay-heading' }, t('results.replay_title')),
        replay.element) : null),
  ];
}

function stateView(cleanups) {
  const s = state.turnout.state;
  if (s === 'published' && state.result) return resultView(cleanups);
  if (s === 'open') return [h('p', { class: 'live-state' }, t('results.live_open')), turnoutView()];
  return [h('p', { class: 'live-state' }, t('results.live_closed')), turnoutView()];
}

export default async function render(ctx) {
  const id = ctx.params.election;
  if (state.id !== id) Object.assign(state, { id, election: null, turnout: null, result: null, step: 0, playing: true, announcedAt: 0 });
  ctx.main.classList.add('live-screen');
  let stopped = false;
  let timer = null;
  let bodyCleanups = [];
  const body = h('div', { class: 'live-body' });
  const stopBody = () => {
    bodyCleanups.forEach((fn) => fn());
    bodyCleanups = [];
  };
  const cleanup = () => {
    stopped = true;
    clearTimeout(timer);
    stopBody();
    ctx.main.classList.remove('live-screen');
  };

  const drawBody = () => {
    stopBody();
    replace(body, stateView(bodyCleanups));
  };

  // One poll: the turnout (with the state); the result once published.
  const poll = async () => {
    const before = state.turnout;
    const turnout = await get(`${electionPath(id)}/turnout`);
    if (turnout.state === 'published' && !state.result) state.result = await loadResult(id);
    state.turnout = turnout;
    return before;
  };

  const schedule = () => {
    timer = setTimeout(async () => {
      try {
        const before = await poll();
        if (stopped) return;
        const now = Date.now();
        if (before.state !== state.turnout.state) {
          drawBody();
          announce(t(`common.state_${state.turnout.state}`));
        } else if (before.ballots !== state.turnout.ballots && state.turnout.state !== 'published') {
          const number = body.querySelector('.live-turnout__number');
          number.textContent = formatNumber(state.turnout.ballots);
          number.dataset.ballots = String(state.turnout.ballots);
          replace(body.querySelector('.live-turnout__label'), t('results.live_ballots', { count: state.turnout.ballots }));
          if (now - state.announcedAt >= ANNOUNCE_MS) {
            state.announcedAt = now;
            announce(t('results.live_announce', { count: state.turnout.ballots }));
          }
        }
      } catch (e) {
        if (!(e instanceof ApiError)) throw e;
      }
      if (!stopped) schedule();
    }, POLL_MS);
  };

  if (!state.election || !state.turnout) {
    ctx.setTitle(t('results.live_heading'));
    replace(ctx.main, h('h1', {}, t('results.live_heading')), h('p', { class: 'loading' }, t('common.loading')));
    try {
      state.election = await loadElection(id);
      await poll();
    } catch (e) {
      if (!ctx.current()) return cleanup;
      if (!(e instanceof ApiError)) throw e;
      drawLoadError(ctx, t('results.live_heading'), e);
      return cleanup;
    }
    if (!ctx.current()) return cleanup;
  }
  const title = electionTitle(state.election);
  ctx.setTitle(t('results.live_page_title', { title: title.text }));
  drawBody();
  replace(ctx.main,
    h('h1', { class: 'live-title' }, textNode('span', title)),
    body,
    h('p', { class: 'live-links' },
      h('button', {
        type: 'button', class: 'button button--small',
        // A browser may refuse full screen (a setting, a frame): the page stays as it is.
        onclick: () => (document.fullscreenElement ? document.exitFullscreen() : document.documentElement.requestFullscreen()).catch(() => {}),
      }, t('results.live_fullscreen'))));
  schedule();
  return cleanup;
}
