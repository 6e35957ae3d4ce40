// Being written: vote.
import { h, replace } from '../dom.js';

export default async function render(ctx) {
  replace(ctx.main, h('h1', { text: 'vote' }));
}
