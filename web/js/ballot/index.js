// The ballot, reusable by any page that lets a resident vote (the online voter page
// /vote and the kiosk). It draws three steps into one container: the contests, the
// review with the "Cast my vote" button, and the receipt. Submission is the
// caller's: the component hands over the answers and shows what comes back.
//
// Contract:
//   renderBallot(container, election, answers, options) -> cleanup()
//
//   election  the ballot to show, shaped like GET /api/v1/elections/{id}/ballot:
//             {election (id), title, description, languages, district, district_name,
//              contests: [the manifest's contest objects shown to this voter]}
//             plus, optional, the manifest's `categories` and `districts` lists
//             ([{id, name}]) so that options show their names (left out without them).
//             A kiosk builds it from the public manifest (GET /api/v1/elections/{id}
//             -> manifest) keeping the contests whose district is "" or the voter's.
//   answers   a plain object owned by the caller, filled in place with the API
//             shape {contestId: {options: [...], points: [...]}} (see rules.js).
//             It is also the key of the component's own state (the step, messages,
//             the receipt): rendering again with the same object (after a language
//             change) comes back to the same step with every choice; a new object
//             starts a new ballot. After a successful cast it is emptied.
//   options   {
//     onCast(answers) -> Promise   required. `answers` is a cleaned copy with one entry
//             per contest. Resolve with {code, leaf, receipt} to show the receipt
//             step; resolve with nothing when the caller has taken the screen over
//             (a kiosk's thank-you page, asking for the code again). Reject with an
//             error to show it on the review step: {problems: ["contest: text"]}
//             (as a 422) sends the voter back to the contests concerned; with
//             .offline, .status >= 500 or .retryable a "Try again" button calls
//             onCast again with the same answers (the caller keeps its
//             Idempotency-Key); .code already_used / wrong_state get their own words;
//             anything else shows .message.
//     leadingSteps: [labels]        steps the caller shows before these (the code)
//     note: text                    shown under the contests step's introduction
//     onStep(step)                  after each drawing: 'contests' | 'review' | 'receipt'
//     onCancel(), cancelLabel       a button on the contests and review steps
//     doneLink: {href, label}       a link under the receipt (and under a final error)
//   }
//
// Focus: the first drawing leaves the focus alone (the router or the caller sets
// it); each step change moves it to the new step's h1, an error to its message.
import { h, replace, announce } from '../dom.js';
import { t, tx, textIn } from '../i18n.js';
import { answerOf, instructions, unmet, finalAnswers } from './rules.js';
import { local, namer, stepHeader, stepHeading, errorSummary } from './parts.js';
import { approvalContest } from './approval.js';
import { cumulativeContest } from './cumulative.js';
import { rankedContest } from './ranked.js';
import { reviewSections } from './review.js';
import { receiptContent } from './receipt.js';

const BODIES = { approval: approvalContest, cumulative: cumulativeContest, ranked: rankedContest };

// answers object -> {step, showIncomplete, problems, casting, castError, receipt, instance}
const views = new WeakMap();

function viewOf(answers) {
  if (!views.has(answers)) {
    views.set(answers, {
      step: 'contests', showIncomplete: false, problems: null, casting: false, castError: null, receipt: null, instance: null,
    });
  }
  return views.get(answers);
}

// "borough: the chosen projects cost ..." -> by contest id; the rest as they are.
function splitProblems(problems, contests) {
  const byContest = {};
  const general = [];
  for (const p of problems) {
    const m = /^([a-z0-9][a-z0-9_-]*): (.+)$/.exec(p);
    if (m && contests.some((c) => c.id === m[1])) (byContest[m[1]] ||= []).push(m[2]);
    else general.push(p);
  }
  return { byContest, general };
}

function castErrorText(e) {
  if (e.offline) return t('voter.cast_offline');
  if (e.code === 'already_used') return t('voter.cast_already_used');
  if (e.code === 'wrong_state') return t('voter.cast_closed');
  if (e.status >= 500) return t('voter.cast_server');
  return e.message;
}
const retryable = (e) => Boolean(e.offline || e.status >= 500 || e.retryable);

export function renderBallot(container, election, answers, options) {
  const view = viewOf(answers);
  const langs = election.languages;
  const contests = election.contests;
  const env = { langs, categoryName: namer(election.categories, langs), districtName: namer(election.districts, langs) };
  const leading = options.leadingSteps || [];
  const steps = [...leading, t('voter.step_choose'), t('voter.step_check'), t('voter.step_done')];
  const headingOf = (c) => `ballot-contest-${c.id}`;
  const districtName = (id) => (id === election.district && textIn(election.district_name, langs).text) || env.districtName(id) || id;

  const cancelButton = () => (options.onCancel
    ? h('button', { type: 'button', class: 'button ballot-cancel', onclick: () => options.onCancel() }, options.cancelLabel)
    : null);

  const doneLink = () => (options.doneLink ? h('p', {}, h('a', { href: options.doneLink.href }, options.doneLink.label)) : null);

  function contestSection(contest) {
    const answer = answerOf(answers, contest);
    const headingId = headingOf(contest);
    const rulesId = `ballot-rules-${contest.id}`;
    const errorId = `ballot-error-${contest.id}`;
    const error = h('div', { class: 'field__error ballot-contest__error', id: errorId });
    const showError = () => {
      const missing = view.showIncomplete ? unmet(contest, answer) : [];
      const server = (view.problems && view.problems.byContest[contest.id]) || [];
      error.replaceChildren(
        missing.length ? h('p', {}, t('voter.incomplete', { what: missing.join(' ') })) : null,
        ...server.map((p) => h('p', { lang: 'en' }, p)));
      error.hidden = !missing.length && !server.length;
    };
    const onChange = () => {
      showError();
      if (view.showIncomplete) replace(summaryHost, summary());
    };
    const body = BODIES[contest.format](contest, answer, { ...env, headingId, describedBy: `${rulesId} ${errorId}`, onChange });
    showError();
    const description = textIn(contest.description, langs).text;
    return h('section', { class: 'ballot-contest', 'aria-labelledby': headingId },
      local('h2', contest.title, langs, { id: headingId, tabindex: '-1', class: 'ballot-contest__title' }),
      description ? local('p', contest.description, langs, { class: 'ballot-contest__description' }) : null,
      contest.district ? h('p', { class: 'muted' }, t('voter.contest_area', { district: districtName(contest.district) })) : null,
      h('ul', { class: 'ballot-rules', id: rulesId }, instructions(contest, env.categoryName).map((s) => h('li', {}, s))),
      error,
      body);
  }

  // Holds the error summary, kept in step with the answers while the voter fixes them.
  const summaryHost = h('div', {});

  function summary() {
    if (view.problems) {
      const items = [
        ...view.problems.general.map((p) => ({ text: p, target: 'ballot-heading', lang: 'en' })),
        ...contests.filter((c) => view.problems.byContest[c.id]).map((c) => ({ text: tx(c.title, langs), target: headingOf(c) })),
      ];
      return errorSummary(t('voter.problems_title'), items);
    }
    if (!view.showIncomplete) return null;
    const incomplete = contests.filter((c) => unmet(c, answerOf(answers, c)).length);
    if (!incomplete.length) return null;
    return errorSummary(t('voter.incomplete_title'), incomplete.map((c) => ({
      text: `${tx(c.title, langs)}: ${unmet(c, answerOf(answers, c)).join(' ')}`,
      target: headingOf(c),
    })));
  }

  function drawContests() {
    const description = textIn(election.description, langs).text;
    const heading = stepHeading(t('voter.ballot_title'));
    heading.id = 'ballot-heading';
    replace(container,
      stepHeader(election, steps, leading.length),
      heading,
      description ? local('p', election.description, langs, { class: 'lead' }) : null,
      election.district ? h('p', { class: 'ballot-area' }, t('voter.your_area', { district: districtName(election.district) })) : null,
      h('p', {}, t('voter.ballot_intro')),
      options.note ? h('p', { class: 'muted' }, options.note) : null,
      replace(summaryHost, summary()),
      contests.map(contestSection),
      h('div', { class: 'actions' },
        h('button', { type: 'button', class: 'button button--primary ballot-to-review', onclick: toReview }, t('voter.to_review')),
        cancelButton()));
  }

  function drawReview() {
    const e = view.castError;
    let main;
    if (view.casting) {
      main = h('button', { type: 'button', class: 'button button--primary ballot-cast', 'aria-disabled': 'true' }, t('voter.casting'));
    } else if (e && retryable(e)) {
      main = h('button', { type: 'button', class: 'button button--primary ballot-cast ballot-retry', onclick: cast }, t('common.retry'));
    } else if (!e) {
      main = h('button', { type: 'button', class: 'button button--primary ballot-cast', onclick: cast }, t('voter.cast'));
    }
    // Once a cast has been tried, the ballot may be stored already: it can only be
    // sent again as it is (the same key returns the same receipt), not changed.
    const settled = view.casting || e;
    const back = settled ? null : h('button', {
      type: 'button', class: 'button ballot-back', onclick: () => go('contests', '#ballot-heading'),
    }, t('voter.back_to_choices'));
    replace(container,
      stepHeader(election, steps, leading.length + 1),
      stepHeading(t('voter.review_title')),
      h('p', {}, t('voter.review_intro')),
      reviewSections(contests, answers, langs, settled ? null : (c) => go('contests', `#${headingOf(c)}`)),
      h('p', { class: 'notice notice--warning ballot-final-note' }, t('voter.final_note')),
      e ? h('div', { class: 'notice notice--error ballot-cast-error', tabindex: '-1' },
        h('h2', {}, t('voter.cast_failed_title')),
        h('p', {}, castErrorText(e))) : null,
      h('div', { class: 'actions' }, main, back, view.casting ? null : cancelButton()),
      e && !retryable(e) ? doneLink() : null);
  }

  function drawReceipt() {
    replace(container,
      stepHeader(election, steps, leading.length + 2),
      stepHeading(t('voter.receipt_title')),
      receiptContent(view.receipt),
      doneLink());
  }

  function draw() {
    if (view.step === 'receipt') drawReceipt();
    else if (view.step === 'review') drawReview();
    else drawContests();
    if (options.onStep) options.onStep(view.step);
  }

  // Draws the current step again (in whichever instance is on screen now: a language
  // change may have replaced this one while a cast was under way) and focuses `selector`.
  function redraw(selector) {
    const inst = view.instance;
    if (!inst) return;
    inst.draw();
    const el = inst.container.querySelector(selector);
    if (el) el.focus();
  }

  function go(step, selector = 'h1') {
    view.step = step;
    redraw(selector);
  }

  function toReview() {
    view.problems = null;
    const incomplete = contests.filter((c) => unmet(c, answerOf(answers, c)).length);
    view.showIncomplete = incomplete.length > 0;
    if (view.showIncomplete) redraw('.error-summary');
    else go('review');
  }

  async function cast() {
    if (view.casting) return;
    view.casting = true;
    view.castError = null;
    redraw('.ballot-cast');
    announce(t('voter.casting'));
    let result;
    try {
      result = await options.onCast(finalAnswers(contests, answers));
    } catch (e) {
      view.casting = false;
      if (e && e.problems && e.problems.length) {
        view.problems = splitProblems(e.problems, contests);
        go('contests', '.error-summary');
      } else {
        view.castError = e || new Error(t('voter.cast_server'));
        redraw('.ballot-cast-error');
      }
      return;
    }
    view.casting = false;
    if (!result) return;
    for (const key of Object.keys(answers)) delete answers[key];
    view.receipt = { election: election.election, code: result.code, leaf: result.leaf, receipt: result.receipt };
    view.castError = null;
    view.problems = null;
    view.showIncomplete = false;
    go('receipt');
  }

  const instance = { draw, container };
  view.instance = instance;
  draw();
  return () => {
    if (view.instance === instance) view.instance = null;
  };
}
