// Nris web application: sign-in/out, language, and ECharts through one small interop surface (window.nris).
// No inline scripts: the content security policy allows only scripts from this origin.
(function () {
  'use strict';
  const maps = {};

  async function csrf() {
    const r = await fetch('/api/auth/antiforgery', { credentials: 'same-origin' });
    const j = await r.json();
    return j;
  }

  function problemText(p, lang) {
    if (!p) return '';
    return lang === 'en' ? (p.detail || p.title) : (p.detailVi || p.titleVi || p.detail || p.title);
  }

  async function signIn(form) {
    const lang = document.documentElement.lang;
    const error = form.querySelector('[data-nris-error]');
    error.classList.add('d-none');
    const body = {
      userName: form.userName.value,
      password: form.password.value,
      twoFactorCode: form.twoFactorCode.value || null
    };
    const r = await fetch('/api/auth/sign-in', {
      method: 'POST', credentials: 'same-origin',
      headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(body)
    });
    if (r.ok) {
      location.assign(form.dataset.return || '/today');
      return;
    }
    let p = null;
    try { p = await r.json(); } catch (e) { /* not a problem document */ }
    error.textContent = problemText(p, lang) || (lang === 'en' ? 'Sign-in failed.' : 'Đăng nhập không thành công.');
    error.classList.remove('d-none');
  }

  async function signOut() {
    const t = await csrf();
    await fetch('/api/auth/sign-out', { method: 'POST', credentials: 'same-origin', headers: { [t.headerName]: t.token } });
    location.assign('/sign-in');
  }

  function numberFormat(lang) {
    const f = new Intl.NumberFormat(lang === 'en' ? 'en-US' : 'vi-VN', { maximumFractionDigits: 2 });
    return v => (v === null || v === undefined || v === '-' || Number.isNaN(v)) ? '—' : f.format(v);
  }

  async function ensureMap(name) {
    if (maps[name]) return;
    const r = await fetch('/geo/' + name + '.json');
    echarts.registerMap(name, await r.json());
    maps[name] = true;
  }

  function decorate(option, lang) {
    const fmt = numberFormat(lang);
    if (option.tooltip) option.tooltip.valueFormatter = fmt;
    const axes = [].concat(option.yAxis || []);
    axes.forEach(a => { if (a && a.type === 'value') { a.axisLabel = Object.assign({}, a.axisLabel, { formatter: fmt }); } });
    if (option.visualMap) option.visualMap.formatter = fmt;
    return option;
  }

  // Renders (or re-renders) a chart: option is an ECharts option object or its JSON text.
  async function chart(el, option, lang) {
    if (!el || typeof echarts === 'undefined') return;
    if (typeof option === 'string') option = JSON.parse(option);
    lang = lang || document.documentElement.lang;
    if (option.nrisMap) await ensureMap(option.nrisMap);
    decorate(option, lang);
    if (option.baseOption) decorate(option.baseOption, lang);
    if (option.nrisMap) {
      // Map features are matched by GSO code; the tooltip names the province in the page's language.
      const fmt = numberFormat(lang);
      const tip = (option.baseOption || option).tooltip;
      if (tip) tip.formatter = p => ((p.data && p.data.label) || p.name) + ': ' + fmt(p.value);
    }
    let c = echarts.getInstanceByDom(el);
    if (!c) {
      c = echarts.init(el, null, { renderer: 'canvas' });
      new ResizeObserver(() => c.resize()).observe(el);
    }
    c.setOption(option, true);
    el.dataset.rendered = 'true';
  }

  function png(id, fileName) {
    const el = document.getElementById(id);
    const c = el && echarts.getInstanceByDom(el);
    if (!c) return;
    const a = document.createElement('a');
    a.href = c.getDataURL({ type: 'png', pixelRatio: 2, backgroundColor: '#fff' });
    a.download = fileName || 'nris-chart.png';
    document.body.appendChild(a);
    a.click();
    a.remove();
  }

  function renderAll(root) {
    (root || document).querySelectorAll('[data-chart]').forEach(el => {
      if (el.dataset.rendered !== 'true') chart(el, el.dataset.chart);
    });
  }

  document.addEventListener('submit', e => {
    if (e.target.matches('[data-nris-signin]')) { e.preventDefault(); signIn(e.target); }
  });
  document.addEventListener('click', e => {
    const t = e.target.closest('[data-nris-signout],[data-nris-lang],[data-nris-png]');
    if (!t) return;
    if (t.hasAttribute('data-nris-signout')) { signOut(); }
    else if (t.hasAttribute('data-nris-lang')) {
      document.cookie = 'nris.lang=' + t.dataset.nrisLang + '; path=/; max-age=31536000; samesite=strict';
      location.reload();
    } else if (t.hasAttribute('data-nris-png')) { png(t.dataset.nrisPng, t.dataset.file); }
  });
  // Live pages: when the server says a report this user may see has moved, re-read the page (through the user's own
  // authorization) and replace its live regions; charts inside are drawn again.
  async function refreshLive() {
    const r = await fetch(location.href, { credentials: 'same-origin', headers: { 'X-Nris-Live': '1' } });
    if (!r.ok) return;
    const doc = new DOMParser().parseFromString(await r.text(), 'text/html');
    document.querySelectorAll('[data-live-region]').forEach(el => {
      const fresh = doc.querySelector('[data-live-region="' + el.dataset.liveRegion + '"]');
      if (fresh) { el.innerHTML = fresh.innerHTML; }
    });
    renderAll();
    showWall();
    document.body.dataset.liveVersion = String((Number(document.body.dataset.liveVersion) || 0) + 1);
    followUpdating();
  }

  // A panel the server marked as still updating (data-nris-updating: it showed the figures of an earlier state rather
  // than keep the page waiting) is read again shortly, a bounded number of times.
  let updatingRetries = 0;
  function followUpdating() {
    if (!document.querySelector('[data-live-region] [data-nris-updating]')) { updatingRetries = 0; return; }
    if (updatingRetries >= 10) return;
    updatingRetries++;
    setTimeout(() => { refreshLive().catch(() => {}); }, 2000);
  }

  async function startLive() {
    if (typeof signalR === 'undefined' || !document.querySelector('[data-live-region]')) return;
    const t = await csrf();
    const connection = new signalR.HubConnectionBuilder()
      .withUrl('/live', { headers: { [t.headerName]: t.token } })
      .withAutomaticReconnect()
      .build();
    let pending = false;
    connection.on('changed', async () => {
      if (pending) return;
      pending = true;
      try { await refreshLive(); } finally { pending = false; }
    });
    await connection.start();
    document.body.dataset.live = 'connected';
  }

  // The operations centre's wall: one screen at a time, the next every data-nris-rotate seconds; arrows and space
  // (or the buttons) step and pause. The current screen survives a live refresh of the panels.
  const wall = { index: -1, paused: false, timer: null };
  function showWall() {
    const host = document.querySelector('[data-nris-rotate]');
    if (!host) return;
    const panels = host.querySelectorAll('.nris-wall-panel');
    if (panels.length === 0) return;
    if (wall.index < 0) wall.index = Number(host.dataset.start) || 0;
    wall.index = ((wall.index % panels.length) + panels.length) % panels.length;
    panels.forEach((p, i) => { p.hidden = i !== wall.index; });
    host.dataset.screen = String(wall.index);
    // A chart drawn while hidden has no size: resize the visible screen's charts.
    panels[wall.index].querySelectorAll('[data-chart]').forEach(el => { const c = echarts.getInstanceByDom(el); if (c) c.resize(); });
  }
  function stepWall(delta) { wall.index += delta; showWall(); }
  function startWall() {
    const host = document.querySelector('[data-nris-rotate]');
    if (!host) return;
    showWall();
    const seconds = Math.max(10, Number(host.dataset.nrisRotate) || 20);
    wall.timer = setInterval(() => { if (!wall.paused) stepWall(1); }, seconds * 1000);
    document.addEventListener('keydown', e => {
      if (e.target.closest('input,select,textarea')) return;
      if (e.key === 'ArrowRight') stepWall(1);
      else if (e.key === 'ArrowLeft') stepWall(-1);
      else if (e.key === ' ' && !e.target.closest('button,a')) { e.preventDefault(); wall.paused = !wall.paused; host.dataset.paused = String(wall.paused); }
    });
  }
  document.addEventListener('click', e => {
    const t = e.target.closest('[data-nris-wall]');
    if (!t) return;
    const host = document.querySelector('[data-nris-rotate]');
    const what = t.dataset.nrisWall;
    if (what === 'next') stepWall(1);
    else if (what === 'prev') stepWall(-1);
    else if (what === 'pause') { wall.paused = !wall.paused; if (host) host.dataset.paused = String(wall.paused); }
    else if (what === 'fullscreen' && document.documentElement.requestFullscreen) document.documentElement.requestFullscreen().catch(() => {});
  });

  // Data entry: a pause in typing saves the draft and checks the report through the page's own form post (the same
  // services as "Save draft"), then shows each cell's messages from the answer without touching what the user types.
  const autosave = { timer: null, busy: false, again: false };
  function scheduleAutosave(form) {
    clearTimeout(autosave.timer);
    autosave.timer = setTimeout(() => runAutosave(form), 1200);
  }
  async function runAutosave(form) {
    if (autosave.busy) { autosave.again = true; return; }
    autosave.busy = true;
    const status = form.querySelector('[data-testid=autosave]');
    if (status) status.textContent = status.dataset.saving;
    try {
      const data = new FormData(form);
      data.set('action', 'draft');
      const r = await fetch(location.pathname, { method: 'POST', credentials: 'same-origin', body: new URLSearchParams(data) });
      if (!r.ok) { if (status) status.textContent = ''; return; }
      const doc = new DOMParser().parseFromString(await r.text(), 'text/html');
      document.querySelectorAll('td.nris-cell').forEach(td => {
        const input = td.querySelector('input');
        const freshInput = input && doc.getElementById(input.id);
        if (!freshInput) return;
        const fresh = freshInput.closest('td');
        input.className = freshInput.className;
        if (freshInput.hasAttribute('aria-describedby')) input.setAttribute('aria-describedby', freshInput.getAttribute('aria-describedby'));
        else input.removeAttribute('aria-describedby');
        Array.from(td.children).forEach(c => { if (c !== input && c.tagName !== 'LABEL') c.remove(); });
        Array.from(fresh.children).forEach(c => { if (c.tagName !== 'INPUT' && c.tagName !== 'LABEL') td.appendChild(document.importNode(c, true)); });
      });
      const explain = form.querySelector('[data-nris-explain]');
      const freshExplain = doc.querySelector('[data-nris-explain]');
      if (explain && freshExplain && !explain.contains(document.activeElement)) explain.innerHTML = freshExplain.innerHTML;
      const message = doc.querySelector('[data-testid=entry-message]');
      if (status) {
        const ok = message && message.classList.contains('alert-success');
        status.textContent = ok ? status.dataset.saved + new Date().toLocaleTimeString(document.documentElement.lang === 'en' ? 'en-GB' : 'vi-VN')
          : (message ? message.textContent : '');
        status.classList.toggle('text-danger', !ok);
      }
      form.dataset.autosaved = String((Number(form.dataset.autosaved) || 0) + 1);
    } finally {
      autosave.busy = false;
      if (autosave.again) { autosave.again = false; scheduleAutosave(form); }
    }
  }
  document.addEventListener('input', e => {
    const form = e.target.closest('form[data-nris-autosave=true]');
    if (form && e.target.matches('input[name^="cell."],textarea[name^="explain."],input[name=reason]')) scheduleAutosave(form);
  });

  // Upload of a filled file: the exchange import endpoint, as a draft; then the page shows the draft.
  async function upload(form) {
    const lang = document.documentElement.lang;
    const error = form.parentElement.querySelector('[data-nris-upload-error]');
    error.classList.add('d-none');
    const file = form.file.files[0];
    if (!file) return;
    const t = await csrf();
    const r = await fetch(form.dataset.nrisUpload + '?mode=draft&format=' + encodeURIComponent(form.format.value), {
      method: 'POST', credentials: 'same-origin', headers: { [t.headerName]: t.token, 'Content-Type': 'application/octet-stream' }, body: file
    });
    if (r.ok) { location.reload(); return; }
    let p = null;
    try { p = await r.json(); } catch (e) { /* not a problem document */ }
    error.textContent = problemText(p, lang) || (lang === 'en' ? 'The file was not accepted.' : 'Tệp không được chấp nhận.');
    const list = document.createElement('ul');
    list.className = 'mb-0 mt-1';
    ((p && p.errors) || []).slice(0, 50).forEach(x => {
      const li = document.createElement('li');
      li.textContent = x.field + ': ' + (lang === 'en' ? x.messageEn : x.messageVi);
      list.appendChild(li);
    });
    if (list.children.length) error.appendChild(list);
    error.classList.remove('d-none');
  }
  document.addEventListener('submit', e => {
    if (e.target.matches('[data-nris-upload]')) { e.preventDefault(); upload(e.target); }
  });

  // Administration buttons: one POST to the admin API with the antiforgery header, then the page again.
  document.addEventListener('click', async e => {
    const t = e.target.closest('[data-nris-post]');
    if (!t) return;
    const lang = document.documentElement.lang;
    const error = document.querySelector('[data-nris-action-error]');
    if (error) error.classList.add('d-none');
    t.disabled = true;
    const c = await csrf();
    const r = await fetch(t.dataset.nrisPost, { method: 'POST', credentials: 'same-origin', headers: { [c.headerName]: c.token } });
    if (r.ok) { location.reload(); return; }
    t.disabled = false;
    let p = null;
    try { p = await r.json(); } catch (x) { /* not a problem document */ }
    if (error) { error.textContent = problemText(p, lang) || String(r.status); error.classList.remove('d-none'); }
  });

  // Administration forms: each builds the admin API's JSON body from its fields, sends it with the antiforgery header
  // and shows the answer in the form (a first password or API key once, or the problem with each field named); the
  // lists marked data-nris-refresh are then read again from the page.
  function adminRequest(form) {
    const f = form.elements;
    const value = name => (f[name] && f[name].value || '').trim();
    const roles = Array.from(form.querySelectorAll('input[name=role]:checked')).map(x => x.value);
    const grants = roles.map(role => ({ role, organizationCode: value('organizationCode'), ceiling: value('ceiling') }));
    switch (form.dataset.nrisAdmin) {
      case 'user':
        return { url: '/api/admin/users', method: 'POST', body: JSON.stringify({
          userName: value('userName'), displayName: value('displayName') || null, organizationCode: value('organizationCode'), grants }) };
      case 'grants':
        return { url: '/api/admin/users/' + encodeURIComponent(value('user')) + '/grants', method: 'PUT', body: JSON.stringify({ grants }) };
      case 'client':
        return { url: '/api/admin/clients', method: 'POST', body: JSON.stringify({
          name: value('name'), organizationCode: value('organizationCode'), role: value('clientRole'), ceiling: value('ceiling'),
          expiresInDays: value('expiresInDays') ? Number(value('expiresInDays')) : null }) };
      default:
        return { url: form.dataset.url, method: 'PUT', body: f.json.value };
    }
  }
  async function refreshRegions() {
    const r = await fetch(location.href, { credentials: 'same-origin' });
    if (!r.ok) return;
    const doc = new DOMParser().parseFromString(await r.text(), 'text/html');
    document.querySelectorAll('[data-nris-refresh]').forEach(el => {
      const fresh = doc.querySelector('[data-nris-refresh="' + el.dataset.nrisRefresh + '"]');
      if (fresh) el.innerHTML = fresh.innerHTML;
    });
  }
  // Editor forms: a field bound to a path of the JSON body (data-json="sections.0.rows.1.label") writes its value
  // into the Advanced JSON as it changes; the JSON is what is sent.
  function jsonValue(el) {
    if (el.dataset.jsonType === 'bool') return el.checked;
    const v = el.value.trim();
    if (v === '' && el.dataset.jsonNull === 'empty') return null;
    if (el.dataset.jsonType === 'number') { const n = Number(v); return v !== '' && Number.isFinite(n) ? n : v; }
    return el.value;
  }
  function bindField(el) {
    const form = el.closest('form[data-nris-admin]');
    const area = form && form.elements.json;
    if (!area) return;
    let body;
    try { body = JSON.parse(area.value); } catch (x) { return; }
    const path = el.dataset.json.split('.');
    let node = body;
    for (let i = 0; i < path.length - 1; i++) {
      const key = /^[0-9]+$/.test(path[i]) ? Number(path[i]) : path[i];
      if (node[key] === null || typeof node[key] !== 'object') node[key] = {};
      node = node[key];
    }
    node[path[path.length - 1]] = jsonValue(el);
    area.value = JSON.stringify(body, null, 2);
  }
  document.addEventListener('input', e => { if (e.target.matches && e.target.matches('[data-json]')) bindField(e.target); });
  document.addEventListener('change', e => { if (e.target.matches && e.target.matches('[data-json]')) bindField(e.target); });
  // A problem's named field, shown next to its input: "$.decimals", "decimals", "sections[A].rows[A01].label".
  function fieldError(form, field, message) {
    const name = String(field || '').replace(/^\$\.?/, '');
    if (!name) return false;
    const esc = window.CSS && CSS.escape ? CSS.escape(name) : name;
    const el = form.querySelector('[data-field="' + esc + '"],[data-field-alt="' + esc + '"]');
    if (!el) return false;
    el.classList.add('is-invalid');
    const d = el.closest('details');
    if (d) d.open = true;
    const note = document.createElement('div');
    note.className = 'invalid-feedback d-block';
    note.dataset.nrisFieldError = name;
    note.id = (el.id || 'f') + '-error';
    note.textContent = message;
    el.setAttribute('aria-describedby', note.id);
    el.setAttribute('aria-invalid', 'true');
    el.insertAdjacentElement('afterend', note);
    return true;
  }
  function clearFieldErrors(form) {
    form.querySelectorAll('[data-nris-field-error]').forEach(n => n.remove());
    form.querySelectorAll('.is-invalid').forEach(el => { el.classList.remove('is-invalid'); el.removeAttribute('aria-invalid'); el.removeAttribute('aria-describedby'); });
  }
  document.addEventListener('submit', async e => {
    const form = e.target.closest('form[data-nris-admin]');
    if (!form) return;
    e.preventDefault();
    const lang = document.documentElement.lang;
    const out = form.querySelector('[data-nris-admin-result]');
    const button = form.querySelector('button[type=submit]');
    out.className = 'd-none mt-2';
    out.textContent = '';
    clearFieldErrors(form);
    button.disabled = true;
    try {
      const req = adminRequest(form);
      const c = await csrf();
      const r = await fetch(req.url, { method: req.method, credentials: 'same-origin',
        headers: { 'Content-Type': 'application/json', [c.headerName]: c.token }, body: req.body });
      let j = null;
      try { j = await r.json(); } catch (x) { /* no body */ }
      if (r.ok) {
        out.className = 'alert alert-success mt-2 mb-0';
        out.textContent = form.dataset.done;
        const secret = j && (j.password || j.key);
        if (secret) {
          const code = document.createElement('code');
          code.className = 'd-block fs-6 mt-1 user-select-all';
          code.dataset.testid = 'secret';
          code.textContent = secret;
          out.appendChild(code);
        }
        if (form.dataset.nrisAdmin !== 'json') form.querySelectorAll('input[type=text],input:not([type]),input[type=number]').forEach(i => { i.value = ''; });
        await refreshRegions();
        return;
      }
      out.className = 'alert alert-danger mt-2 mb-0';
      out.dataset.status = String(r.status);
      // The problem's title in the page's language, its detail, then each named field not already said.
      const title = j && (lang === 'en' ? j.title : (j.titleVi || j.title));
      const detail = j && (lang === 'en' ? j.detail : (j.detailVi || j.detail));
      out.textContent = (title || String(r.status)) + (detail && detail !== title ? ' — ' + detail : '');
      const list = document.createElement('ul');
      list.className = 'mb-0 mt-1';
      ((j && j.errors) || []).slice(0, 50).forEach(x => {
        const message = lang === 'en' ? x.messageEn : x.messageVi;
        fieldError(form, x.field, message);
        if (message === detail) return;
        const li = document.createElement('li');
        li.textContent = (x.field ? x.field + ': ' : '') + message;
        list.appendChild(li);
      });
      if (list.children.length) out.appendChild(list);
    } finally {
      button.disabled = false;
    }
  });

  function start() { renderAll(); startWall(); }
  if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', start);
  else start();
  window.addEventListener('load', () => { startLive().catch(() => { document.body.dataset.live = 'failed'; }); followUpdating(); });

  window.nris = { chart, png, renderAll, chartById: (id, option) => chart(document.getElementById(id), option) };
})();
