// Any address the site does not know.
import { h, replace } from '../dom.js';
import { t } from '../i18n.js';

export default async function render(ctx) {
  ctx.setTitle(t('common.not_found_title'));
  replace(ctx.main,
    h('h1', { text: t('common.not_found_title') }),
    h('p', { text: t('common.not_found_text') }),
    h('p', {}, h('a', { href: '/' }, t('common.nav_home'))));
}
