// portalfeed admin page: plain JavaScript, no framework, no build step.
// Everything that comes from the API or the portal is inserted with
// textContent (never innerHTML), and links only keep http(s) URLs.
'use strict';

(function () {
  /** Field selectors: a CSS string or a `{css, attr, regex, format}` object. */
  const SELECTOR_KEYS = [
    'next_page', 'list.item', 'list.link', 'list.title', 'list.date', 'list.summary',
    'article.title', 'article.content', 'article.date', 'article.author',
  ];
  const NUMBER_KEYS = ['pages', 'max_items'];
  /** Every key the editor shows, in the section JSON (dots = nesting). */
  const FORM_KEYS = [
    'id', 'title', 'parent', 'url', 'pages', 'next_page', 'interval', 'max_items',
    'list.item', 'list.link', 'list.title', 'list.date', 'list.summary',
    'article.title', 'article.content', 'article.date', 'article.author', 'article.remove',
  ];
  /** Preview field columns, in this order first. */
  const PREVIEW_FIELDS = [
    'title', 'link', 'date', 'summary',
    'article.title', 'article.date', 'article.author', 'article.content',
  ];
  const STATE_RANK = { failing: 0, stale: 1, pending: 2, ok: 3 };
  const REFRESH_EVERY_MS = 30000;

  const page = {
    sections: [],
    /** The section in the editor: {site, id, etag, base, isNew}. */
    current: null,
    /** Last config version seen (ETag form, with quotes). */
    version: null,
    busy: false,
    /** The last preview: {site, section (JSON text), empty: matched nothing}. */
    lastPreview: null,
  };

  const $ = (sel) => document.querySelector(sel);

  /** Creates an element; string children become text nodes. */
  function el(tag, attrs, ...children) {
    const node = document.createElement(tag);
    for (const [name, value] of Object.entries(attrs || {})) {
      if (value === null || value === undefined || value === false) continue;
      if (name === 'text') node.textContent = String(value);
      else if (name === 'class') node.className = value;
      else node.setAttribute(name, value === true ? '' : String(value));
    }
    for (const child of children) {
      if (child === null || child === undefined) continue;
      node.append(typeof child === 'string' ? document.createTextNode(child) : child);
    }
    return node;
  }

  /** A link only when the URL is http(s); plain text otherwise. */
  function safeLink(url, text) {
    try {
      const parsed = new URL(url, location.href);
      if (parsed.protocol === 'http:' || parsed.protocol === 'https:') {
        return el('a', { href: parsed.href, target: '_blank', rel: 'noopener noreferrer' }, text);
      }
    } catch (_) { /* not a URL: shown as text */ }
    return el('span', {}, text);
  }

  // ---- status (a live region) ------------------------------------------

  function say(kind, text, ...extra) {
    const box = $('#status');
    const dismiss = el('button', { type: 'button', class: 'dismiss', 'aria-label': 'Dismiss the message' }, '×');
    dismiss.addEventListener('click', () => box.replaceChildren());
    box.replaceChildren(el('div', { class: kind }, dismiss, el('span', { class: 'text' }, text), ...extra));
    // The same words next to the editor's buttons, where the eyes are
    // (hidden from screen readers: #status already announces them).
    const near = $('#action-status');
    near.className = 'action-status ' + kind;
    near.textContent = text;
  }

  function quoteEtag(version) {
    if (version === null || version === undefined) return null;
    const v = String(version);
    return v.startsWith('"') || v.startsWith('W/') ? v : '"' + v + '"';
  }

  // ---- API ---------------------------------------------------------------

  /** fetch() with the session cookie; answers {status, ok, data, headers}. */
  async function api(method, path, body, headers) {
    const init = {
      method,
      credentials: 'same-origin',
      headers: Object.assign({ Accept: 'application/json' }, headers || {}),
    };
    if (body !== undefined) {
      init.body = JSON.stringify(body);
      init.headers['Content-Type'] = 'application/json';
    }
    let resp;
    try {
      resp = await fetch(path, init);
    } catch (e) {
      return { status: 0, ok: false, data: { error: 'The service did not answer: ' + e.message }, headers: new Headers() };
    }
    if (resp.status === 401) {
      // The cookie expired or the token changed: back to the login form.
      location.assign('/admin');
    }
    const text = await resp.text();
    let data = null;
    try {
      data = text ? JSON.parse(text) : null;
    } catch (_) {
      data = { error: text.trim() || resp.status + ' ' + resp.statusText };
    }
    if (!resp.ok && (data === null || typeof data !== 'object')) {
      data = { error: resp.status + ' ' + resp.statusText };
    }
    return { status: resp.status, ok: resp.ok, data, headers: resp.headers };
  }

  function sectionPath(site, id) {
    return '/api/sites/' + encodeURIComponent(site) + '/sections/' + encodeURIComponent(id);
  }

  async function busy(button, work) {
    if (page.busy) return;
    page.busy = true;
    const buttons = document.querySelectorAll('#editor .actions button');
    buttons.forEach((b) => { b.dataset.wasDisabled = b.disabled ? '1' : ''; b.disabled = true; });
    button.setAttribute('aria-busy', 'true');
    try {
      await work();
    } catch (e) {
      say('error', 'Unexpected error in the page: ' + e.message);
    } finally {
      button.removeAttribute('aria-busy');
      buttons.forEach((b) => { b.disabled = b.dataset.wasDisabled === '1'; });
      page.busy = false;
    }
  }

  // ---- times -------------------------------------------------------------

  function timeCell(iso) {
    if (!iso) return el('span', { class: 'muted' }, '—');
    const t = new Date(iso);
    if (Number.isNaN(t.getTime())) return el('span', {}, String(iso));
    const secs = Math.round((t.getTime() - Date.now()) / 1000);
    const abs = Math.abs(secs);
    let text;
    if (abs < 45) text = secs >= 0 ? 'in a moment' : 'just now';
    else {
      const units = [['day', 86400], ['h', 3600], ['min', 60]];
      const [name, size] = units.find(([, s]) => abs >= s) || units[2];
      const n = Math.round(abs / size);
      const label = name === 'day' ? n + (n === 1 ? ' day' : ' days') : n + ' ' + name;
      text = secs >= 0 ? 'in ' + label : label + ' ago';
    }
    return el('time', { datetime: t.toISOString(), title: t.toLocaleString() }, text);
  }

  // ---- the sections table -------------------------------------------------

  const keyOf = (s) => s.site + '/' + s.section;

  /** Orders the list as a tree: a group sits where its first (most urgent) member is. */
  function asTree(list) {
    const position = new Map(list.map((s, i) => [keyOf(s), i]));
    const children = new Map();
    const roots = [];
    for (const s of list) {
      const parentKey = s.parent ? s.site + '/' + s.parent : null;
      if (parentKey && position.has(parentKey) && parentKey !== keyOf(s)) {
        if (!children.has(parentKey)) children.set(parentKey, []);
        children.get(parentKey).push(s);
      } else {
        roots.push(s);
      }
    }
    const rank = new Map();
    const rankOf = (s, seen) => {
      const k = keyOf(s);
      if (rank.has(k)) return rank.get(k);
      if (seen.has(k)) return position.get(k);
      seen.add(k);
      let r = position.get(k);
      for (const c of children.get(k) || []) r = Math.min(r, rankOf(c, seen));
      rank.set(k, r);
      return r;
    };
    const byRank = (a, b) => rankOf(a, new Set()) - rankOf(b, new Set());
    const out = [];
    const walk = (nodes, depth, seen) => {
      for (const s of nodes.slice().sort(byRank)) {
        if (seen.has(keyOf(s))) continue;
        seen.add(keyOf(s));
        out.push({ s, depth, kids: (children.get(keyOf(s)) || []) });
        walk(children.get(keyOf(s)) || [], depth + 1, seen);
      }
    };
    walk(roots, 0, new Set());
    return out;
  }

  function worstChildState(kids) {
    let worst = null;
    for (const k of kids) {
      if (k.group) continue;
      if (worst === null || (STATE_RANK[k.state] ?? 9) < (STATE_RANK[worst] ?? 9)) worst = k.state;
    }
    return worst;
  }

  /** A group's entries: those of its sections (a group keeps none itself). */
  function memberEntries(group, list) {
    const seen = new Set();
    const walk = (g) => list
      .filter((s) => s.site === group.site && s.parent === g.section && !seen.has(keyOf(s)))
      .reduce((n, s) => { seen.add(keyOf(s)); return n + (s.group ? walk(s) : (s.entries || 0)); }, 0);
    return walk(group);
  }

  function feedLinks(feeds) {
    const span = el('span', { class: 'feeds' });
    for (const [name, label] of [['rss', 'RSS'], ['atom', 'Atom'], ['json', 'JSON']]) {
      if (feeds && feeds[name]) span.append(safeLink(feeds[name], label));
    }
    return span;
  }

  function renderSections(data) {
    const list = Array.isArray(data.sections) ? data.sections : [];
    page.sections = list;
    const banner = $('#config-error');
    if (data.config_error) {
      $('#config-error-text').textContent = data.config_error;
      banner.hidden = false;
    } else {
      banner.hidden = true;
    }
    const tbody = $('#sections tbody');
    const rows = [];
    if (list.length === 0) {
      rows.push(el('tr', {}, el('td', { colspan: 6, class: 'empty' }, 'No sections yet: add one with "New section".')));
    }
    const selected = page.current && !page.current.isNew ? page.current.site + '/' + page.current.id : null;
    for (const { s, depth, kids } of asTree(list)) {
      const classes = [s.group ? 'group-row' : 'section-row', s.state === 'failing' && !s.group ? 'failing-row' : '',
        depth > 0 ? 'child depth-' + Math.min(depth, 3) : '', keyOf(s) === selected ? 'selected' : ''];
      const open = el('button', {
        type: 'button', class: 'link name', 'data-site': s.site, 'data-section': s.section,
        'aria-label': 'Edit ' + (s.group ? 'group ' : 'section ') + (s.title || s.section),
      }, s.title || s.section);
      const nameCell = el('td', { class: 'name-cell' },
        depth > 0 ? el('span', { class: 'depth', 'aria-hidden': 'true' }, '↳ ') : null,
        open, el('span', { class: 'path' }, keyOf(s) + (s.group ? ' · group of ' + kids.length : '')));
      if (depth > 0) nameCell.style.paddingLeft = (0.6 + 1.2 * Math.min(depth, 3)) + 'rem';
      let stateCell;
      if (s.group) {
        const worst = worstChildState(kids);
        const failing = kids.filter((k) => !k.group && k.state === 'failing').length;
        stateCell = el('td', { 'data-label': 'State' }, el('span', { class: 'badge group' }, 'group'),
          failing ? el('span', { class: 'badge failing' }, failing + ' failing') : null,
          !failing && worst ? el('span', { class: 'muted small' }, ' members ' + worst) : null);
      } else {
        stateCell = el('td', { 'data-label': 'State' }, el('span', { class: 'badge ' + s.state }, s.state || '?'));
      }
      rows.push(el('tr', { class: classes.filter(Boolean).join(' '), 'data-key': keyOf(s) },
        nameCell,
        stateCell,
        el('td', { class: 'num', 'data-label': 'Entries' }, String(s.group ? memberEntries(s, list) : (s.entries ?? 0))),
        el('td', { 'data-label': 'Last success', class: s.group ? 'na' : null }, s.group ? el('span', { class: 'muted' }, '—') : timeCell(s.last_success)),
        el('td', { 'data-label': 'Next scrape', class: s.group ? 'na' : null }, s.group ? el('span', { class: 'muted' }, '—') : timeCell(s.next_scrape)),
        el('td', { 'data-label': 'Feeds' }, feedLinks(s.feeds))));
      if (s.last_error) {
        rows.push(el('tr', { class: 'err-row' + (s.state === 'failing' ? ' failing-row' : ''), 'data-error-for': keyOf(s) },
          el('td', { colspan: 6, class: 'err' },
            el('span', { class: 'err-label small' }, 'Last error of ' + keyOf(s),
              s.last_attempt ? el('span', {}, ' (attempt ', timeCell(s.last_attempt), ')') : null, ':'),
            el('pre', { class: 'last-error' }, s.last_error))));
      }
    }
    tbody.replaceChildren(...rows);
    fillDatalists(list);
  }

  function fillDatalists(list) {
    const sites = [...new Set(list.map((s) => s.site))];
    $('#sites-list').replaceChildren(...sites.map((s) => el('option', { value: s })));
    const groups = list.filter((s) => s.group).map((s) => s.section);
    $('#groups-list').replaceChildren(...[...new Set(groups)].map((g) => el('option', { value: g })));
  }

  async function loadSections(quiet) {
    const r = await api('GET', '/api/sections');
    if (!r.ok) {
      if (!quiet) say('error', 'Could not load the sections: ' + (r.data.error || r.status));
      return;
    }
    renderSections(r.data || {});
  }

  // ---- the editor: JSON <-> form -----------------------------------------

  const inputFor = (key) => document.getElementById('field-' + key.replace(/\./g, '-'));

  function getPath(obj, key) {
    return key.split('.').reduce((o, k) => (o && typeof o === 'object' ? o[k] : undefined), obj);
  }

  function setPath(obj, key, value) {
    const parts = key.split('.');
    let o = obj;
    for (const p of parts.slice(0, -1)) {
      if (!o[p] || typeof o[p] !== 'object' || Array.isArray(o[p])) o[p] = {};
      o = o[p];
    }
    if (value === undefined) delete o[parts[parts.length - 1]];
    else o[parts[parts.length - 1]] = value;
  }

  function toText(key, value) {
    if (value === undefined || value === null) return '';
    if (key === 'article.remove') {
      const list = Array.isArray(value) ? value : [value];
      // A selector with a comma in it cannot be written comma-separated.
      return list.some((s) => String(s).includes(',')) ? JSON.stringify(list) : list.join(', ');
    }
    if (typeof value === 'object') return JSON.stringify(value);
    return String(value);
  }

  /** Reads one input back into JSON; throws an Error naming the problem. */
  function fromText(key, text) {
    const t = text.trim();
    if (t === '') return undefined;
    if (NUMBER_KEYS.includes(key)) {
      if (!/^\d+$/.test(t)) throw new Error('a whole number');
      return Number(t);
    }
    if (SELECTOR_KEYS.includes(key) && t.startsWith('{')) {
      let v;
      try { v = JSON.parse(t); } catch (e) { throw new Error('JSON object not valid: ' + e.message); }
      if (!v || typeof v !== 'object' || Array.isArray(v)) throw new Error('a CSS selector or a JSON object');
      return v;
    }
    if (key === 'article.remove') {
      if (t.startsWith('[')) {
        let v;
        try { v = JSON.parse(t); } catch (e) { throw new Error('JSON list not valid: ' + e.message); }
        if (!Array.isArray(v) || v.some((s) => typeof s !== 'string')) throw new Error('a JSON list of selectors');
        return v;
      }
      return t.split(',').map((s) => s.trim()).filter(Boolean);
    }
    return t;
  }

  function fillForm(site, json, isNew, keepPreview) {
    clearErrors();
    $('#field-site').value = site || '';
    for (const key of FORM_KEYS) inputFor(key).value = toText(key, getPath(json, key));
    $('#field-site').readOnly = !isNew;
    $('#field-id').readOnly = !isNew;
    $('#refresh').disabled = isNew;
    $('#delete').disabled = isNew;
    if (!keepPreview) $('#preview-results').replaceChildren();
  }

  /** The section JSON from the form, on top of what was loaded (keys the form does not show survive). */
  function readForm() {
    clearErrors();
    const section = JSON.parse(JSON.stringify((page.current && page.current.base) || {}));
    const problems = [];
    for (const key of FORM_KEYS) {
      try {
        if (inputFor(key).validity.badInput) throw new Error('a whole number');
        setPath(section, key, fromText(key, inputFor(key).value));
      } catch (e) {
        problems.push(key);
        fieldError(key, 'Expected ' + e.message + '.');
      }
    }
    for (const part of ['list', 'article']) {
      if (section[part] && typeof section[part] === 'object' && Object.keys(section[part]).length === 0) delete section[part];
    }
    const site = $('#field-site').value.trim();
    if (!site) { problems.push('site'); fieldError('site', 'Which site the section belongs to.'); }
    if (!section.id) { problems.push('id'); fieldError('id', 'The section needs an id.'); }
    if (problems.length) {
      say('error', 'Fix the highlighted field' + (problems.length > 1 ? 's' : '') + ' first.');
      inputFor(problems[0]).focus();
      return null;
    }
    return { site, section };
  }

  function clearErrors() {
    document.querySelectorAll('#editor .field.invalid').forEach((f) => f.classList.remove('invalid'));
    document.querySelectorAll('#editor .field-error').forEach((p) => p.remove());
    document.querySelectorAll('#editor input[aria-invalid]').forEach((i) => {
      i.removeAttribute('aria-invalid');
      i.setAttribute('aria-describedby', (i.getAttribute('aria-describedby') || '').replace(/\s*\S+-error\b/g, '').trim());
      if (!i.getAttribute('aria-describedby')) i.removeAttribute('aria-describedby');
    });
    const formError = $('#form-error');
    formError.hidden = true;
    formError.textContent = '';
  }

  /** "sites[0].sections[3].list.item" or "section.article.remove[1]" -> "list.item" / "article.remove". */
  function formKey(field) {
    if (!field) return null;
    let f = String(field);
    const cut = f.lastIndexOf('sections[');
    if (cut >= 0) f = f.slice(f.indexOf('].', cut) + 2);
    f = f.replace(/^section\./, '').replace(/\[\d+\]$/, '').replace(/\[\d+\]\./g, '.');
    if (f === 'site' || FORM_KEYS.includes(f)) return f;
    const prefix = FORM_KEYS.find((k) => f.startsWith(k + '.'));
    return prefix || null;
  }

  /** Shows `message` next to the input of `field`; false when no input matches. */
  function fieldError(field, message) {
    const key = formKey(field);
    const input = key && (key === 'site' ? $('#field-site') : inputFor(key));
    if (!input) {
      const formError = $('#form-error');
      formError.textContent = (field ? field + ': ' : '') + message;
      formError.hidden = false;
      return false;
    }
    const box = input.closest('.field');
    box.classList.add('invalid');
    const id = input.id + '-error';
    box.querySelector('.field-error')?.remove();
    box.append(el('p', { class: 'field-error', id }, message));
    input.setAttribute('aria-invalid', 'true');
    input.setAttribute('aria-describedby', ((input.getAttribute('aria-describedby') || '') + ' ' + id).trim());
    return true;
  }

  function showError(r, what) {
    const message = (r.data && r.data.error) || 'HTTP ' + r.status;
    const field = r.data && r.data.field;
    if (field) {
      fieldError(field, message);
      const input = inputFor(formKey(field) || '') || null;
      if (input) input.focus();
    }
    say('error', what + ': ' + message + (field ? ' (' + field + ')' : ''));
  }

  function openEditor(title) {
    const editor = $('#editor');
    editor.hidden = false;
    $('#editor-heading').textContent = title;
    editor.scrollIntoView({ block: 'start' });
  }

  async function openSection(site, id) {
    say('busy', 'Loading ' + site + '/' + id + '…');
    const r = await api('GET', sectionPath(site, id));
    if (!r.ok) {
      say('error', 'Could not load ' + site + '/' + id + ': ' + (r.data.error || r.status));
      return;
    }
    const etag = r.headers.get('ETag');
    if (etag) page.version = etag;
    page.current = { site, id, etag, base: r.data || {}, isNew: false };
    fillForm(site, page.current.base, false);
    showDetect(false);
    openEditor('Edit ' + site + '/' + id);
    markSelected();
    say('ok', 'Editing ' + site + '/' + id + '. Preview shows what the selectors extract; nothing is saved until Save.');
    $('#field-title').focus({ preventScroll: true });
  }

  function newSection() {
    const sites = [...new Set(page.sections.map((s) => s.site))];
    page.current = { site: null, id: null, etag: page.version, base: {}, isNew: true };
    fillForm(sites.length === 1 ? sites[0] : '', { list: {} }, true);
    showDetect(true);
    openEditor('New section');
    markSelected();
    say('ok', 'New section: paste the list page URL and Detect, or fill in at least the id, the title, the URL and the list selectors.');
    $('#detect-url').focus({ preventScroll: true });
  }

  // ---- Detect from URL (new sections only) ----------------------------------

  function showDetect(on) {
    $('#detect').hidden = !on;
    $('#detect-config').hidden = true;
    $('#detect-config').textContent = '';
  }

  /** Asks the server to find the section at the URL, fills the form, previews. */
  async function detect() {
    const url = $('#detect-url').value.trim();
    if (!url) {
      say('error', 'Paste the URL of the section\'s first list page first.');
      $('#detect-url').focus();
      return;
    }
    say('busy', 'Detecting the list on ' + url + ' (the page and a few articles)…');
    const r = await api('POST', '/api/suggest', { url });
    if (!r.ok) {
      say('error', 'Detect: ' + ((r.data && r.data.error) || 'HTTP ' + r.status));
      $('#detect-url').focus();
      return;
    }
    const found = r.data || {};
    page.current = { site: null, id: null, etag: page.version, base: found.section || {}, isNew: true };
    fillForm(found.site || '', found.section || {}, true);
    const box = $('#detect-config');
    if (!found.site_exists) {
      box.textContent = 'The config has no site for this host yet. Add this to the config file (Config file, then PUT /api/config, or edit the file), then Save:\n\n' + (found.config || '');
      box.hidden = false;
      say('error', 'Detected, but the site "' + found.site + '" is not in the config yet: add it first (shown below).');
      return;
    }
    box.hidden = true;
    await preview();
  }

  function markSelected() {
    const key = page.current && !page.current.isNew ? page.current.site + '/' + page.current.id : null;
    document.querySelectorAll('#sections tbody tr').forEach((tr) => {
      tr.classList.toggle('selected', key !== null && tr.dataset.key === key);
    });
  }

  function closeEditor() {
    $('#editor').hidden = true;
    page.current = null;
    markSelected();
  }

  // ---- Preview -------------------------------------------------------------

  async function preview() {
    const form = readForm();
    if (!form) return;
    say('busy', 'Previewing ' + form.site + '/' + form.section.id + ': fetching the portal…');
    $('#preview-results').replaceChildren(el('p', { class: 'muted' }, 'Fetching…'));
    const r = await api('POST', '/api/preview', { site: form.site, section: form.section, article: null });
    if (!r.ok) {
      $('#preview-results').replaceChildren();
      showError(r, 'Preview refused');
      return;
    }
    renderPreview(r.data || {});
    page.lastPreview = {
      site: form.site,
      section: JSON.stringify(form.section),
      empty: previewMatchedNothing(r.data || {}),
    };
    $('#preview-results').scrollIntoView({ block: 'start' });
    const n = (r.data.items || []).length;
    if (r.data.ok === false || r.data.error) {
      if (r.data.field) fieldError(r.data.field, r.data.error || 'problem');
      say('error', 'Preview: ' + (r.data.error || 'problems found') + (r.data.field ? ' (' + r.data.field + ')' : '') + '. Nothing was saved.');
    } else {
      say('ok', 'Preview: ' + n + ' item' + (n === 1 ? '' : 's') + ' extracted. Nothing was saved.');
    }
  }

  /** True when a preview found no entry to publish (the section would fail). */
  function previewMatchedNothing(data) {
    const entries = Array.isArray(data.entries) ? data.entries : [];
    return data.ok === false && entries.length === 0 &&
      (data.field === 'list.item' || data.field === 'list.link');
  }

  /**
   * Saving what the last preview showed matching nothing: asks first, naming
   * what will happen. True when the save may go on.
   */
  function confirmEmptySave(site, section) {
    const last = page.lastPreview;
    if (!last || !last.empty || last.site !== site || last.section !== JSON.stringify(section)) return true;
    const known = page.sections.find((s) => s.site === site && s.section === section.id);
    const n = known ? known.entries : 0;
    const kept = n === 0 ? 'it has no entries to serve'
      : 'its last ' + n + ' entr' + (n === 1 ? 'y stays' : 'ies stay') + ' served until a scrape succeeds';
    return window.confirm('The preview just matched nothing. If you save, ' + site + '/' + section.id +
      ' turns failing at its next scrape ("selector matched nothing") and ' + kept + '. Save anyway?');
  }

  /** A URL shortened for a table cell: its path (the end of it when long). */
  function shortUrl(u) {
    let text = String(u);
    try {
      const parsed = new URL(text);
      text = parsed.pathname + parsed.search + parsed.hash;
    } catch (_) { /* not absolute: as it is */ }
    return text.length > 48 ? '…' + text.slice(-47) : text;
  }

  /** ISO dates read better with a space: 2019-05-13 14:01:05+08:00. */
  function showDate(v) {
    const t = String(v);
    return /^\d{4}-\d{2}-\d{2}T/.test(t) ? t.replace('T', ' ') : t;
  }

  /** A date value that wraps only between the date and the time (never inside the offset). */
  function dateValue(text) {
    const m = /^(\d{4}-\d{2}-\d{2}) (.+)$/.exec(text);
    if (!m) return el('span', { class: 'value nowrap' }, text);
    return el('span', { class: 'value date' }, el('span', { class: 'nowrap' }, m[1]), ' ', el('span', { class: 'nowrap time' }, m[2]));
  }

  function renderPreview(data) {
    const items = Array.isArray(data.items) ? data.items : [];
    const entries = Array.isArray(data.entries) ? data.entries : [];
    const pages = Array.isArray(data.pages) ? data.pages : [];
    const box = $('#preview-results');
    const parts = [el('h3', {}, 'Preview: ' + items.length + ' item' + (items.length === 1 ? '' : 's') + ', ' +
      entries.length + ' entr' + (entries.length === 1 ? 'y' : 'ies') + ' to publish')];
    if (pages.length) {
      parts.push(el('ul', { class: 'pages' }, ...pages.map((p) =>
        el('li', {}, safeLink(p.url, p.url), ': ' + (p.items ?? 0) + ' item' + (p.items === 1 ? '' : 's')))));
    }
    // Paging and charset warnings: worded as in `scrape` and /healthz.
    const warnings = Array.isArray(data.warnings) ? data.warnings : [];
    if (warnings.length) {
      parts.push(el('ul', { class: 'warnings' }, ...warnings.map((w) => el('li', { class: 'warning' }, 'Warning: ' + String(w)))));
    }
    if (data.error) {
      parts.push(el('p', { class: 'summary bad' }, 'Problem' + (data.field ? ' in ' + data.field : '') + ': ' + data.error));
    }
    // One column per field, named by its config key: the parsed value, the
    // raw text on demand (a <details> in the cell).
    const fieldNames = [...PREVIEW_FIELDS];
    for (const item of items) {
      for (const k of Object.keys(item.fields || {})) if (!fieldNames.includes(k)) fieldNames.push(k);
    }
    const present = fieldNames.filter((k) => items.some((i) => i.fields && k in i.fields));
    if (items.length) {
      const head = el('tr', {}, el('th', { scope: 'col', class: 'idx' }, '#'),
        ...present.map((k) => el('th', { scope: 'col', class: 'f-' + k.replace(/\./g, '-'),
          title: k + ': the parsed value; "raw" shows the text the selector found' }, k)));
      const rows = items.map((item, i) => {
        // An item with no link value became no entry (no usable link, or a duplicate).
        const published = getValue(item, 'link') !== null;
        const problems = new Map((item.problems || []).map((p) => [p.field, p.problem]));
        const cells = [el('td', { class: 'idx' }, String(i + 1))];
        for (const k of present) {
          const td = fieldCell(k, (item.fields || {})[k], problems.get(k), published);
          if (k === 'title' && !published) td.append(el('span', { class: 'why' }, 'not published'));
          cells.push(td);
        }
        return el('tr', { class: [problems.size ? 'has-problem' : '', published ? '' : 'skipped'].join(' ').trim() }, ...cells);
      });
      parts.push(el('div', { class: 'table-wrap' },
        el('table', { class: 'preview-table' }, el('thead', {}, head), el('tbody', {}, ...rows))));
    } else if (!data.error) {
      parts.push(el('p', { class: 'summary bad' }, 'Nothing extracted.'));
    }
    box.replaceChildren(...parts);
  }

  function getValue(item, key) {
    const f = item.fields && item.fields[key];
    return f && f.value !== null && f.value !== undefined ? String(f.value) : null;
  }

  function shorten(text, max) {
    const t = String(text);
    return t.length > max ? t.slice(0, max) + '…' : t;
  }

  function linkCell(url) {
    const a = safeLink(url, shortUrl(url));
    a.setAttribute('title', String(url));
    return a;
  }

  /** The text of an HTML fragment, read in an inert document (nothing runs or loads). */
  function htmlText(html) {
    const doc = new DOMParser().parseFromString(String(html), 'text/html');
    return (doc.body.textContent || '').replace(/\s+/g, ' ').trim();
  }

  function fieldCell(key, field, problemText, published) {
    const raw = field && field.raw !== undefined ? field.raw : null;
    const value = field && field.value !== undefined ? field.value : null;
    // Per the API: a problem when the selector matched nothing, or its text could not be read
    // (an item that became no entry has no values: only its stated problems count).
    const problem = problemText || (published && field && (raw === null || value === null));
    const td = el('td', { class: ('f-' + key.replace(/\./g, '-') + (problem ? ' problem' : '')), 'data-field': key });
    if (!field) {
      td.append(el('span', { class: 'muted' }, '—'));
      return td;
    }
    let valueText = value === null ? '' : (typeof value === 'object' ? JSON.stringify(value) : String(value));
    const full = valueText;
    if (key === 'article.content' && valueText) valueText = htmlText(valueText);
    if (key.endsWith('date') && valueText) valueText = showDate(valueText);
    const rawText = raw === null ? null : (typeof raw === 'object' ? JSON.stringify(raw) : String(raw));
    if (key === 'link' && valueText) {
      td.append(el('span', { class: 'value' }, linkCell(valueText)));
    } else if (key.endsWith('date') && valueText) {
      td.append(dateValue(valueText));
    } else if (valueText) {
      td.append(el('span', { class: 'value' }, shorten(valueText, key === 'article.content' ? 110 : 160)));
    }
    if (rawText !== null && rawText !== valueText && rawText !== full) {
      td.append(el('details', { class: 'raw' }, el('summary', {}, 'raw'), el('span', { class: 'raw-text' }, shorten(rawText, 300))));
    }
    // The field's contains / matches / exclude: what picked or trimmed the raw text.
    if (field.rule) td.append(el('span', { class: 'rule' }, String(field.rule)));
    if (problem) {
      td.append(el('span', { class: 'why' }, problemText ||
        (raw === null ? 'selector matched nothing' : 'not understood')));
    }
    return td;
  }

  // ---- Save, Refresh, Delete -------------------------------------------------

  async function save() {
    const form = readForm();
    if (!form) return;
    const cur = page.current;
    const site = cur.isNew ? form.site : cur.site;
    const id = cur.isNew ? form.section.id : cur.id;
    if (!confirmEmptySave(site, form.section)) {
      say('ok', 'Not saved: ' + site + '/' + id + ' keeps its current config.');
      return;
    }
    const headers = {};
    const etag = cur.etag || page.version;
    if (etag) headers['If-Match'] = etag;
    say('busy', 'Saving ' + site + '/' + id + '…');
    const r = await api('PUT', sectionPath(site, id), form.section, headers);
    if (r.status === 412) {
      const reload = el('button', { type: 'button', id: 'reload-section' }, 'Reload');
      reload.addEventListener('click', () => (cur.isNew ? refreshVersion() : openSection(cur.site, cur.id)));
      say('error', 'The config changed meanwhile, reload: your edits were not saved (reloading replaces them with the current config).', reload);
      return;
    }
    if (!r.ok) {
      showError(r, 'Not saved');
      return;
    }
    const version = quoteEtag(r.data && r.data.version);
    page.version = version || page.version;
    page.current = { site, id, etag: version, base: form.section, isNew: false };
    fillForm(site, form.section, false, true);
    $('#editor-heading').textContent = 'Edit ' + site + '/' + id;
    const started = (r.data && r.data.started) || [];
    const warning = r.data && r.data.warning;
    say(warning ? 'error' : 'ok', (r.status === 201 ? 'Created ' : 'Saved ') + site + '/' + id + ' to the config file' +
      (started.length ? '; scraping ' + started.join(', ') + ' now.' : '.'),
    ...(warning ? [el('p', { class: 'warning' }, 'Warning: ' + warning)] : []));
    await loadSections(true);
    markSelected();
  }

  async function refreshVersion() {
    const r = await fetch('/api/config', { credentials: 'same-origin' });
    const etag = r.headers.get('ETag');
    if (etag) {
      page.version = etag;
      if (page.current) page.current.etag = etag;
      say('ok', 'Reloaded the config version; Save again to write your section.');
    }
  }

  async function refreshNow() {
    const cur = page.current;
    if (!cur || cur.isNew) return;
    say('busy', 'Scraping ' + cur.site + '/' + cur.id + ' now…');
    const r = await api('POST', sectionPath(cur.site, cur.id) + '/refresh');
    if (!r.ok) {
      showError(r, 'Refresh failed');
      return;
    }
    const d = r.data || {};
    // The server's sentence says what the feed serves now ("failed: …;
    // still serving the 7 entries of 10:42 UTC (412 ms)").
    const line = (d.section || cur.site + '/' + cur.id) + ': ' + (d.message || d.outcome || '?');
    const details = [];
    if (d.error) details.push(el('pre', { class: 'last-error' }, d.error));
    if (Array.isArray(d.problems) && d.problems.length) {
      details.push(el('ul', {}, ...d.problems.map((p) => el('li', {}, String(p)))));
    }
    say(d.outcome === 'failed' ? 'error' : 'ok', 'Refreshed ' + line, ...details);
    await loadSections(true);
    markSelected();
  }

  async function remove() {
    const cur = page.current;
    if (!cur || cur.isNew) return;
    const what = cur.site + '/' + cur.id;
    if (!window.confirm('Delete ' + what + '? It leaves the config file, and its entries leave the feeds.')) return;
    const headers = {};
    if (cur.etag) headers['If-Match'] = cur.etag;
    say('busy', 'Deleting ' + what + '…');
    const r = await api('DELETE', sectionPath(cur.site, cur.id), undefined, headers);
    if (r.status === 412) {
      say('error', 'The config changed meanwhile, reload: ' + what + ' was not deleted.');
      return;
    }
    if (!r.ok) {
      say('error', 'Not deleted: ' + ((r.data && r.data.error) || 'HTTP ' + r.status));
      return;
    }
    page.version = quoteEtag(r.data && r.data.version) || page.version;
    closeEditor();
    say('ok', 'Deleted ' + what + '.');
    await loadSections(true);
  }

  // ---- wiring ---------------------------------------------------------------

  function start() {
    $('#sections').addEventListener('click', (ev) => {
      const button = ev.target.closest('button[data-section]');
      if (button) openSection(button.dataset.site, button.dataset.section);
    });
    $('#new-section').addEventListener('click', newSection);
    $('#reload-sections').addEventListener('click', () => loadSections(false));
    $('#close-editor').addEventListener('click', closeEditor);
    $('#editor-form').addEventListener('submit', (ev) => {
      // Enter in a field previews (the safe action); only the button saves.
      ev.preventDefault();
      busy($('#preview'), preview);
    });
    $('#detect-run').addEventListener('click', () => busy($('#detect-run'), detect));
    $('#detect-url').addEventListener('keydown', (ev) => {
      // Enter here detects instead of previewing the still empty form.
      if (ev.key !== 'Enter') return;
      ev.preventDefault();
      busy($('#detect-run'), detect);
    });
    $('#save').addEventListener('click', () => busy($('#save'), save));
    $('#refresh').addEventListener('click', () => busy($('#refresh'), refreshNow));
    $('#delete').addEventListener('click', () => busy($('#delete'), remove));
    loadSections(false);
    setInterval(() => {
      if (document.visibilityState === 'visible') loadSections(true).then(markSelected);
    }, REFRESH_EVERY_MS);
  }

  if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', start);
  else start();
})();
