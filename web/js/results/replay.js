// A step-by-step viewer for the rounds of a count: First / Previous / Next / Last
// buttons (and the arrow, Home and End keys while a button has focus), a counter
// ("Round 3 of 9") read out politely when it changes, and optionally automatic
// advancing every few seconds with a Pause button (WCAG 2.2.2). While playing, the
// counter is not announced on every step (aria-live off), as for a carousel.
import { h, replace } from '../dom.js';
import { t, direction } from '../i18n.js';

// stepper({label, count, index, counter(i, n), render(i), onChange(i), autoplay})
//   label: names the controls; counter: the "Round 3 of 9" text; render: the nodes
//   of step i; onChange: remembers the step (for a language change);
//   autoplay: {interval (ms), playing (bool), onPlaying(bool)} for the live screen.
// -> {element, stop()}
export function stepper({ label, count, index = 0, counter, render, onChange, autoplay }) {
  let current = Math.min(Math.max(index, 0), count - 1);
  let playing = Boolean(autoplay && autoplay.playing && count > 1);
  let timer = null;

  // Buttons at an end are aria-disabled, not disabled, so focus never drops to the
  // page; go() ignores a step out of range.
  const button = (text, target, cls) => h('button', {
    type: 'button', class: ['button', 'button--small', cls], onclick: () => go(target()),
  }, text);
  const first = button(t('results.first'), () => 0, 'results-replay__first');
  const previous = button(t('results.previous'), () => current - 1, 'results-replay__previous');
  const next = button(t('results.next'), () => current + 1, 'results-replay__next');
  const last = button(t('results.last'), () => count - 1, 'results-replay__last');
  const play = autoplay ? h('button', { type: 'button', class: 'button button--small results-replay__play', onclick: () => setPlaying(!playing) }) : null;
  const status = h('p', { class: 'results-replay__counter', 'aria-live': 'polite', 'aria-atomic': 'true' });
  const body = h('div', { class: 'results-replay__step' });
  const controls = h('div', { class: 'actions results-replay__controls', role: 'group', 'aria-label': label, onkeydown: onKey },
    first, previous, play, next, last);

  function draw() {
    for (const [b, off] of [[first, current === 0], [previous, current === 0], [next, current === count - 1], [last, current === count - 1]]) {
      b.setAttribute('aria-disabled', off ? 'true' : 'false');
    }
    if (play) replace(play, t(playing ? 'results.pause' : 'results.play'));
    status.setAttribute('aria-live', playing ? 'off' : 'polite');
    status.textContent = counter(current, count);
    replace(body, render(current));
  }

  function go(i) {
    if (i < 0 || i >= count || i === current) return;
    current = i;
    if (onChange) onChange(current);
    draw();
  }

  function tick() {
    if (current >= count - 1) setPlaying(false);
    else go(current + 1);
  }

  function setPlaying(on) {
    playing = on;
    if (autoplay.onPlaying) autoplay.onPlaying(on);
    clearInterval(timer);
    timer = null;
    if (on) {
      if (current >= count - 1) go(0);
      timer = setInterval(tick, autoplay.interval);
    }
    draw();
  }

  function onKey(event) {
    const rtl = direction() === 'rtl';
    const moves = {
      ArrowRight: rtl ? current - 1 : current + 1,
      ArrowLeft: rtl ? current + 1 : current - 1,
      Home: 0,
      End: count - 1,
    };
    if (!(event.key in moves)) return;
    event.preventDefault();
    go(Math.min(Math.max(moves[event.key], 0), count - 1));
  }

  draw();
  if (playing) setPlaying(true);
  return {
    element: h('div', { class: 'results-replay' }, controls, status, body),
    stop() { clearInterval(timer); timer = null; },
  };
}
