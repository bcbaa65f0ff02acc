// povsim classroom: the page. Hand-written, no libraries, nothing fetched but this server's
// own API. The server holds the world; the page asks for months at the chosen speed (Run),
// stops asking (Pause), asks for one (Step) or starts again (Reset), and draws what comes back:
// three SVG charts and a canvas per village with one square per household.
'use strict';

// Okabe-Ito colours, as in the command line's charts (src/plot/style.rs).
const C = {
  blue: '#0072B2', vermillion: '#D55E00', green: '#009E73', purple: '#CC79A7',
  orange: '#E69F00', sky: '#56B4E9', black: '#000000', yellow: '#F0E442',
  text: '#222222', muted: '#777777', axis: '#555555', grid: '#E3E3E3',
};
// A/B mode: each side keeps one colour everywhere (scenario colours of `povsim compare`).
const SIDE_COLOUR = { A: C.blue, B: C.vermillion };
const STATUS_COLOUR = {
  never_poor: '#DDDDDD', poor_registered: C.blue, poor_missed: C.vermillion,
  exited: C.green, relapsed: C.purple, registered_not_poor: C.sky,
};
const SPEEDS = [1, 2, 4, 8, 12, 24]; // months per second
const DASH = { solid: '', dashed: '7 4', dotted: '2 3' };
const CHARTS = [
  {
    id: 'chart-poor', title: 'Registered poor and truly poor households', y: 'Households',
    series: [
      { key: 'registered', label: 'registered poor', colour: C.blue, dash: 'solid' },
      { key: 'truly_poor', label: 'truly poor', colour: C.vermillion, dash: 'dashed' },
    ],
  },
  {
    id: 'chart-exits', title: 'Exits and relapses since 2014', y: 'Households (cumulative)',
    series: [
      { key: 'exits_cum', label: 'official exits', colour: C.green, dash: 'solid' },
      { key: 'relapses_cum', label: 'relapses', colour: C.vermillion, dash: 'dashed' },
      { key: 'fake_exits_cum', label: 'exits on paper only', colour: C.orange, dash: 'dotted' },
    ],
  },
  {
    id: 'chart-cadres', title: 'First secretaries in post (from 2015)', y: 'Mean score (0 to 1)', max: 1, decimals: 2, fromFirstNonZero: true,
    series: [
      { key: 'mean_enthusiasm', label: 'enthusiasm', colour: C.orange, dash: 'solid' },
      { key: 'mean_knowledge', label: 'knowledge of the village', colour: C.blue, dash: 'dashed' },
    ],
  },
];
const BACKGROUND = {
  // The command line's names for the backgrounds (chartdata::background_label).
  young_graduate: 'Young graduate', experienced: 'Experienced', economic: 'Economic',
  party_building: 'Party building', social_work: 'Social work',
};
const GRID_COLS = 15; // households per row in a village grid
const CELL = 8; // CSS pixels per household square (7 + 1 gap)

const app = {
  catalogue: null,
  session: null,
  setup: { world: {}, a: {}, b: null },
  view: null, // last state from the server (month, sides with villages)
  rows: [[], []], // every monthly row so far, per side
  running: false,
  runToken: 0,
  queue: Promise.resolve(),
  selected: null, // {side, village, household}
  gridKey: '',
};

const $ = (id) => document.getElementById(id);
const svgNS = 'http://www.w3.org/2000/svg';

function el(tag, attrs = {}, children = []) {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (k === 'text') node.textContent = v;
    else if (k === 'class') node.className = v;
    else if (v !== null && v !== undefined && v !== false) node.setAttribute(k, v === true ? '' : v);
  }
  for (const c of children) node.append(c);
  return node;
}

function svg(tag, attrs = {}, text) {
  const node = document.createElementNS(svgNS, tag);
  for (const [k, v] of Object.entries(attrs)) node.setAttribute(k, v);
  if (text !== undefined) node.textContent = text;
  return node;
}

function thousands(v, decimals = 0) {
  if (!Number.isFinite(v)) return 'NA';
  return v.toLocaleString('en-US', { minimumFractionDigits: decimals, maximumFractionDigits: decimals });
}

// ---------------------------------------------------------------- server calls

class ApiError extends Error {
  constructor(status, body) {
    super(body && body.error ? body.error : `HTTP ${status}`);
    this.status = status;
    this.body = body || {};
  }
}

async function api(method, path, body) {
  const init = { method, headers: {} };
  if (body !== undefined) {
    init.headers['Content-Type'] = 'application/json';
    init.body = JSON.stringify(body);
  }
  const response = await fetch(path, init);
  const text = await response.text();
  let data = null;
  try { data = text ? JSON.parse(text) : null; } catch (e) { data = { error: text }; }
  if (!response.ok) throw new ApiError(response.status, data);
  return data;
}

// Requests run one after another, so a step never overtakes a reset.
function enqueue(task) {
  const next = app.queue.then(task, task);
  app.queue = next.catch(() => {});
  return next;
}

function setupBody() {
  const body = { world: app.setup.world, a: app.setup.a };
  if (app.setup.b) body.b = app.setup.b;
  return body;
}

async function openSession() {
  const state = await api('POST', '/api/session', setupBody());
  app.session = state.session;
  accept(state);
}

// A call on the session; a session closed by the server (idle, restarted) is opened again.
async function onSession(method, path, body) {
  if (!app.session) await openSession();
  try {
    return await api(method, `/api/session/${app.session}${path}`, body);
  } catch (e) {
    if (e.status === 404) {
      notify('This page had been idle and its world was closed; a new one starts from 2014-01.');
      await openSession();
      return null;
    }
    throw e;
  }
}

// ---------------------------------------------------------------- state

function accept(state) {
  state.sides.forEach((side, k) => {
    const rows = app.rows[k] || [];
    rows.length = Math.min(rows.length, state.rows_from);
    rows.push(...side.rows);
    app.rows[k] = rows;
  });
  app.rows.length = Math.max(state.sides.length, 1);
  app.view = state;
  render();
}

async function stepMonths(months) {
  const state = await onSession('POST', `/step?months=${months}`);
  if (state) accept(state);
  return app.view;
}

function applySetup(message) {
  clearLeverErrors();
  return enqueue(async () => {
    try {
      const state = await onSession('POST', '/reset', setupBody());
      if (state) {
        app.rows = [[], []];
        app.selected = null;
        accept(state);
      }
      if (message) notify(message);
    } catch (e) {
      showError(e);
      setRunning(false);
    }
  });
}

// ---------------------------------------------------------------- run loop

function speed() { return SPEEDS[Number($('speed').value)] || 4; }

function setRunning(on) {
  app.running = on;
  app.runToken += 1;
  document.body.classList.toggle('running', on);
  $('run').disabled = on;
  $('pause').disabled = !on;
  $('step').disabled = on;
  if (on) loop(app.runToken);
}

function loop(token) {
  if (!app.running || token !== app.runToken) return;
  const perSecond = speed();
  // Fast speeds ask for a few months at once, so there are at most ~6 requests a second.
  const batch = Math.max(1, Math.round(perSecond / 6));
  const started = performance.now();
  enqueue(() => stepMonths(batch)).then((view) => {
    if (token !== app.runToken) return;
    if (view && view.finished) {
      setRunning(false);
      notify(`The run is over (${view.label}). Reset to watch it again, or change a lever.`);
      return;
    }
    const wait = Math.max(0, (batch * 1000) / perSecond - (performance.now() - started));
    setTimeout(() => loop(token), wait);
  }, (e) => { showError(e); setRunning(false); });
}

// ---------------------------------------------------------------- levers

function decimalsOf(step) {
  if (step >= 1) return 0;
  return Math.min(4, Math.ceil(-Math.log10(step) - 1e-9));
}

function showValue(lever, value) {
  if (lever.type === 'number') {
    const text = thousands(Number(value), lever.integer ? 0 : decimalsOf(lever.step));
    return lever.key === 'funding.county_allocation' ? `${text} yuan` : text;
  }
  if (lever.type === 'switch') return value ? 'on' : 'off';
  const option = lever.options.find(([v]) => v === value);
  return option ? option[1] : String(value);
}

function control(lever, side, value) {
  const id = `lever-${side}-${lever.key}`;
  let input;
  if (lever.type === 'number') {
    input = el('input', { id, type: 'range', min: lever.min, max: lever.max, step: lever.step, value });
  } else if (lever.type === 'switch') {
    input = el('input', { id, type: 'checkbox' });
    input.checked = Boolean(value);
  } else {
    input = el('select', { id }, lever.options.map(([v, label]) => el('option', { value: v, text: label })));
    input.value = value;
  }
  input.dataset.key = lever.key;
  input.dataset.side = side;
  // A drop-down shows its value itself; sliders and switches get a read-out.
  const out = el('output', { for: id, class: lever.type === 'choice' ? 'value hidden-value' : 'value', text: showValue(lever, value) });
  const badge = el('span', { class: `badge badge-${side}`, text: side.toUpperCase() });
  return el('div', { class: `control side-${side}` }, [badge, input, out]);
}

function readControl(lever, input) {
  if (lever.type === 'number') return Number(input.value);
  if (lever.type === 'switch') return input.checked;
  return input.value;
}

function buildLevers() {
  const cat = app.catalogue;
  const holder = $('levers');
  holder.replaceChildren();
  for (const lever of cat.levers) {
    const value = app.setup.a[lever.key];
    const row = el('div', { class: 'lever', 'data-key': lever.key }, [
      el('div', { class: 'lever-head' }, [
        el('label', { for: `lever-a-${lever.key}`, text: lever.label }),
        lever.unit ? el('span', { class: 'unit', text: lever.unit }) : '',
      ]),
      control(lever, 'a', value),
      control(lever, 'b', value),
      el('p', { class: 'help', text: lever.help }),
      el('p', { class: 'error', hidden: true }),
    ]);
    holder.append(row);
  }
  const mixNote = el('p', { class: 'mix-note', id: 'mix-note' });
  holder.querySelector('[data-key="cadres.mix.experienced"]').append(mixNote);

  const world = $('world');
  world.replaceChildren();
  for (const lever of cat.world) {
    const id = `world-${lever.key}`;
    const input = el('input', {
      id, type: 'number', min: lever.min, max: lever.max, step: lever.step, value: app.setup.world[lever.key],
      inputmode: 'numeric',
    });
    input.dataset.key = lever.key;
    const parts = [el('label', { for: id, text: lever.label }), input];
    if (lever.key === 'simulation.seed') {
      parts.push(el('button', { type: 'button', id: 'new-luck', class: 'small', text: 'New luck' }));
    } else {
      parts.push(el('span', { class: 'unit', text: `${lever.min} to ${lever.max}` }));
    }
    world.append(el('div', { class: 'lever world-lever', 'data-key': lever.key, title: lever.help }, [
      el('div', { class: 'world-row' }, parts),
      el('p', { class: 'error', hidden: true }),
    ]));
  }
  updateMixNote();
}

function leverOf(key) {
  return app.catalogue.levers.find((l) => l.key === key);
}

function updateMixNote() {
  const note = $('mix-note');
  if (!note) return;
  const sides = app.setup.b ? [['A', app.setup.a], ['B', app.setup.b]] : [['', app.setup.a]];
  note.textContent = sides.map(([name, levers]) => {
    const rest = Math.max(0, 1 - levers['cadres.mix.young_graduate'] - levers['cadres.mix.experienced']) / 3;
    return `${name ? name + ': ' : ''}economic, party-building and social-work specialists ${rest.toFixed(2)} each`;
  }).join('; ');
}

let setupTimer = null;

function onLeverInput(event) {
  const input = event.target;
  const key = input.dataset.key;
  if (!key) return;
  const side = input.dataset.side;
  if (side) {
    const lever = leverOf(key);
    const levers = side === 'b' ? app.setup.b : app.setup.a;
    if (!levers) return;
    levers[key] = readControl(lever, input);
    // The two mix sliders share one whole: moving one past the rest pulls the other back.
    const other = { 'cadres.mix.young_graduate': 'cadres.mix.experienced', 'cadres.mix.experienced': 'cadres.mix.young_graduate' }[key];
    if (other && levers[key] + levers[other] > 1) {
      levers[other] = Math.round((1 - levers[key]) * 100) / 100;
      const otherInput = $(`lever-${side}-${other}`);
      otherInput.value = levers[other];
      otherInput.nextElementSibling.textContent = showValue(leverOf(other), levers[other]);
    }
    input.nextElementSibling.textContent = showValue(lever, levers[key]);
    updateMixNote();
    markDifferences();
  } else {
    // World numbers are typed: act when the box is left or Enter pressed, not on each digit.
    if (event.type === 'input') return;
    const value = Number(input.value);
    if (input.value === '' || !Number.isFinite(value)) return;
    app.setup.world[key] = value;
  }
  clearTimeout(setupTimer);
  setupTimer = setTimeout(() => applySetup('Levers changed: the world starts again from 2014-01 with the new settings.'), 350);
}

function markDifferences() {
  for (const row of document.querySelectorAll('#levers .lever')) {
    const key = row.dataset.key;
    row.classList.toggle('differs', Boolean(app.setup.b) && app.setup.a[key] !== app.setup.b[key]);
  }
}

function clearLeverErrors() {
  for (const row of document.querySelectorAll('.lever.has-error')) {
    row.classList.remove('has-error');
    row.querySelector('.error').hidden = true;
  }
}

function showError(e) {
  const body = (e && e.body) || {};
  if (body.parameter) {
    const key = body.parameter === 'cadres.mix' ? 'cadres.mix.experienced' : body.parameter;
    const row = document.querySelector(`.lever[data-key="${key}"]`);
    const side = body.side ? ` (side ${body.side.toUpperCase()})` : '';
    const text = `${body.parameter}${side}: allowed ${body.allowed}`;
    if (row) {
      row.classList.add('has-error');
      const p = row.querySelector('.error');
      p.textContent = text;
      p.hidden = false;
    }
    notify(`Not accepted: ${body.error}`, true);
  } else {
    notify(e && e.message ? e.message : String(e), true);
  }
}

let noticeTimer = null;
function notify(message, isError = false) {
  const n = $('notice');
  n.textContent = message;
  n.hidden = false;
  n.classList.toggle('is-error', isError);
  clearTimeout(noticeTimer);
  noticeTimer = setTimeout(() => { n.hidden = true; }, isError ? 12000 : 4000);
}

function setAB(on) {
  app.setup.b = on ? { ...app.setup.a } : null;
  document.body.classList.toggle('ab', on);
  $('ab-hint').hidden = !on;
  if (on) {
    for (const lever of app.catalogue.levers) {
      const input = $(`lever-b-${lever.key}`);
      const value = app.setup.b[lever.key];
      if (lever.type === 'switch') input.checked = value; else input.value = value;
      input.nextElementSibling.textContent = showValue(lever, value);
    }
  }
  updateMixNote();
  markDifferences();
  applySetup(on
    ? 'A/B mode: B starts as a copy of A with the same luck. Change a lever on side B to compare.'
    : 'A/B mode off: one world again.');
}

// ---------------------------------------------------------------- charts

function niceStep(span, target) {
  const raw = span / Math.max(1, target);
  if (!(raw > 0)) return 1;
  const mag = 10 ** Math.floor(Math.log10(raw));
  const norm = raw / mag;
  const nice = norm <= 1 ? 1 : norm <= 2 ? 2 : norm <= 2.5 ? 2.5 : norm <= 5 ? 5 : 10;
  return nice * mag;
}

function drawChart(spec) {
  const fig = $(spec.id);
  const view = app.view;
  const ab = view.sides.length > 1;
  const W = 440; const H = 250;
  const m = { left: 62, right: 14, top: 14, bottom: 40 };
  const pw = W - m.left - m.right; const ph = H - m.top - m.bottom;
  const total = view.months_total;
  let maxValue = 0;
  for (const rows of app.rows) for (const r of rows) for (const s of spec.series) maxValue = Math.max(maxValue, r[s.key]);
  let yMax = spec.max;
  let step;
  if (!yMax) {
    step = niceStep(Math.max(maxValue, 10), 5);
    if (step < 1) step = 1;
    yMax = Math.ceil(Math.max(maxValue, 10) / step) * step;
  } else {
    step = 0.2;
  }
  const x = (month) => m.left + (month / total) * pw;
  const y = (v) => m.top + ph - (v / yMax) * ph;

  const root = svg('svg', { viewBox: `0 0 ${W} ${H}`, class: 'chart-svg', role: 'img', 'aria-label': spec.title });
  // Grid and value axis.
  for (let v = 0; v <= yMax + 1e-9; v += step) {
    root.append(svg('line', { x1: m.left, x2: m.left + pw, y1: y(v), y2: y(v), stroke: C.grid, 'stroke-width': 1 }));
    root.append(svg('text', { x: m.left - 6, y: y(v) + 4, 'text-anchor': 'end', 'font-size': 11, fill: C.text },
      thousands(v, spec.decimals ? 1 : (step < 1 ? 1 : 0))));
  }
  // Years along the bottom.
  const years = Math.round(total / 12);
  for (let k = 0; k <= years; k += 1) {
    const xm = x(k * 12);
    root.append(svg('line', { x1: xm, x2: xm, y1: m.top + ph, y2: m.top + ph + 4, stroke: C.axis }));
    if (k % 2 === 0) {
      root.append(svg('text', { x: xm, y: m.top + ph + 16, 'text-anchor': 'middle', 'font-size': 11, fill: C.text },
        String(view.start_year + k)));
    }
  }
  root.append(svg('text', { x: m.left + pw / 2, y: H - 4, 'text-anchor': 'middle', 'font-size': 12, fill: C.text }, 'Year'));
  root.append(svg('text', {
    x: 0, y: 0, transform: `translate(14 ${m.top + ph / 2}) rotate(-90)`, 'text-anchor': 'middle', 'font-size': 12, fill: C.text,
  }, spec.y));
  // The deadline (end of the deadline year).
  const deadline = (view.deadline_year + 1 - view.start_year) * 12;
  if (deadline > 0 && deadline < total) {
    root.append(svg('line', {
      x1: x(deadline), x2: x(deadline), y1: m.top, y2: m.top + ph, stroke: C.muted, 'stroke-dasharray': '3 3',
    }));
    root.append(svg('text', { x: x(deadline) + 4, y: m.top + 10, 'font-size': 10, fill: C.muted }, `deadline: end of ${view.deadline_year}`));
  }
  // Axes.
  root.append(svg('line', { x1: m.left, x2: m.left, y1: m.top, y2: m.top + ph, stroke: C.axis }));
  root.append(svg('line', { x1: m.left, x2: m.left + pw, y1: m.top + ph, y2: m.top + ph, stroke: C.axis }));
  // Lines: colour by series (one world) or by side (A/B), dash by series.
  app.rows.forEach((rows, k) => {
    if (!rows.length) return;
    const side = k === 0 ? 'A' : 'B';
    // Before the first secretaries arrive there is nothing to average: no line, not a zero.
    const first = spec.fromFirstNonZero ? rows.findIndex((r) => spec.series.some((s) => r[s.key] > 0)) : 0;
    if (first < 0) return;
    for (const s of spec.series) {
      const points = rows.slice(first).map((r, i) => `${x(first + i + 1).toFixed(1)},${y(r[s.key]).toFixed(1)}`);
      if (points.length === 1) points.unshift(`${x(first).toFixed(1)},${y(rows[first][s.key]).toFixed(1)}`);
      root.append(svg('polyline', {
        points: points.join(' '), fill: 'none', stroke: ab ? SIDE_COLOUR[side] : s.colour, 'stroke-width': 2,
        'stroke-dasharray': DASH[s.dash], 'stroke-linejoin': 'round', class: `line line-${s.key} side-${side}`,
      }));
    }
  });

  const legend = el('div', { class: 'chart-legend' });
  for (const s of spec.series) {
    const sample = svg('svg', { width: 28, height: 10, viewBox: '0 0 28 10', 'aria-hidden': 'true' });
    sample.append(svg('line', {
      x1: 1, x2: 27, y1: 5, y2: 5, stroke: ab ? C.text : s.colour, 'stroke-width': 2, 'stroke-dasharray': DASH[s.dash],
    }));
    const values = app.rows.map((rows, k) => {
      const last = rows[rows.length - 1];
      const text = last ? thousands(last[s.key], spec.decimals || 0) : '-';
      return ab ? el('span', { class: `value-${k ? 'b' : 'a'}`, text: `${k ? 'B' : 'A'} ${text}` }) : el('b', { text });
    });
    legend.append(el('span', { class: 'item' }, [sample, el('span', { text: s.label }), ...values]));
  }
  fig.replaceChildren(el('figcaption', { text: spec.title }), legend, root);
}

// ---------------------------------------------------------------- villages

function statusCounts(side) {
  const counts = new Array(app.catalogue.statuses.length).fill(0);
  for (const v of side.villages) for (let i = 0; i < v.status.length; i += 1) counts[v.status.charCodeAt(i) - 48] += 1;
  return counts;
}

function drawLegend() {
  const sides = app.view.sides;
  const counts = sides.map(statusCounts);
  const legend = $('legend');
  legend.replaceChildren();
  for (const st of app.catalogue.statuses) {
    const values = sides.map((s, k) => el('span', {
      class: sides.length > 1 ? `value-${k ? 'b' : 'a'}` : 'count',
      text: sides.length > 1 ? `${s.name} ${thousands(counts[k][st.code])}` : thousands(counts[k][st.code]),
    }));
    const swatch = el('span', { class: `swatch status-${st.key}` });
    legend.append(el('span', { class: 'item', 'data-status': st.key }, [swatch, el('span', { text: st.label }), ...values]));
  }
}

function villageCard(v, k) {
  const sides = app.view.sides;
  const grids = sides.map((side, s) => {
    const village = side.villages[k];
    const rows = Math.ceil(village.households / GRID_COLS);
    const canvas = el('canvas', {
      class: 'grid', width: GRID_COLS * CELL, height: rows * CELL,
      'data-side': side.name.toLowerCase(), 'data-village': village.id,
      'aria-label': `Village ${village.id}, side ${side.name}: ${village.households} households; click one for its story`,
    });
    canvas.addEventListener('click', onGridClick);
    canvas.addEventListener('mousemove', onGridHover);
    return el('div', { class: `side-grid side-${side.name.toLowerCase()}` }, [
      sides.length > 1 ? el('span', { class: `badge badge-${side.name.toLowerCase()}`, text: side.name }) : '',
      canvas,
      el('div', { class: 'secretary', 'data-side': s }),
    ]);
  });
  return el('div', { class: 'village', 'data-village': v.id }, [
    el('div', { class: 'village-title', text: `Village ${v.id}` }),
    el('div', { class: 'village-sub', text: `${v.households} households` }),
    el('div', { class: 'village-sides' }, grids),
  ]);
}

function meter(label, value) {
  const fill = el('span', { class: 'fill' });
  fill.style.width = `${Math.round(Math.max(0, Math.min(1, value)) * 100)}%`;
  return el('div', { class: 'meter-row' }, [
    el('span', { class: 'meter-label', text: label }),
    el('span', { class: 'meter', title: `${label} ${value.toFixed(2)}` }, [fill]),
    el('span', { class: 'meter-value', text: value.toFixed(2) }),
  ]);
}

function drawSecretary(holder, secretary) {
  if (!secretary) {
    holder.replaceChildren(el('div', { class: 'no-secretary', text: 'No first secretary yet (they arrive in 2015)' }));
    return;
  }
  holder.replaceChildren(
    el('div', { class: 'background', text: BACKGROUND[secretary.background] || secretary.background }),
    el('div', { class: 'tenure', text: `${secretary.months_in_post} months in post` }),
    meter('enthusiasm', secretary.enthusiasm),
    meter('knowledge', secretary.knowledge),
  );
}

function drawGrid(canvas, village, side) {
  const ratio = window.devicePixelRatio || 1;
  const rows = Math.ceil(village.households / GRID_COLS);
  const w = GRID_COLS * CELL; const h = rows * CELL;
  if (canvas.width !== Math.round(w * ratio)) {
    canvas.width = Math.round(w * ratio);
    canvas.height = Math.round(h * ratio);
    canvas.style.width = `${w}px`;
    canvas.style.height = `${h}px`;
  }
  const ctx = canvas.getContext('2d');
  ctx.setTransform(ratio, 0, 0, ratio, 0, 0);
  ctx.clearRect(0, 0, w, h);
  const keys = app.catalogue.statuses.map((s) => s.key);
  for (let i = 0; i < village.households; i += 1) {
    const code = village.status.charCodeAt(i) - 48;
    ctx.fillStyle = STATUS_COLOUR[keys[code]] || '#999';
    ctx.fillRect((i % GRID_COLS) * CELL, Math.floor(i / GRID_COLS) * CELL, CELL - 1, CELL - 1);
  }
  const sel = app.selected;
  if (sel && sel.village === village.id && sel.side === side) {
    const i = sel.household;
    ctx.strokeStyle = C.black;
    ctx.lineWidth = 2;
    ctx.strokeRect((i % GRID_COLS) * CELL - 0.5, Math.floor(i / GRID_COLS) * CELL - 0.5, CELL, CELL);
  }
}

function drawVillages() {
  const view = app.view;
  const holder = $('village-grid');
  const first = view.sides[0];
  const key = `${view.session}|${view.sides.length}|${first.villages.map((v) => v.households).join(',')}`;
  if (key !== app.gridKey) {
    holder.replaceChildren(...first.villages.map((v, k) => villageCard(v, k)));
    app.gridKey = key;
  }
  const cards = holder.children;
  first.villages.forEach((_, k) => {
    const card = cards[k];
    view.sides.forEach((side, s) => {
      const village = side.villages[k];
      const canvas = card.querySelectorAll('canvas')[s];
      drawGrid(canvas, village, side.name.toLowerCase());
      drawSecretary(card.querySelectorAll('.secretary')[s], village.secretary);
    });
  });
}

function householdAt(event) {
  const canvas = event.currentTarget;
  const rect = canvas.getBoundingClientRect();
  const col = Math.floor(((event.clientX - rect.left) / rect.width) * GRID_COLS);
  const rowCount = Math.ceil(canvas.height / (window.devicePixelRatio || 1) / CELL);
  const row = Math.floor(((event.clientY - rect.top) / rect.height) * rowCount);
  const side = canvas.dataset.side;
  const villageId = Number(canvas.dataset.village);
  const sideView = app.view.sides[side === 'b' ? 1 : 0];
  const village = sideView.villages.find((v) => v.id === villageId);
  const household = row * GRID_COLS + col;
  if (!village || col < 0 || col >= GRID_COLS || household < 0 || household >= village.households) return null;
  return { side, village: villageId, household, code: village.status.charCodeAt(household) - 48 };
}

function onGridHover(event) {
  const hit = householdAt(event);
  const canvas = event.currentTarget;
  if (!hit) { canvas.title = ''; return; }
  const st = app.catalogue.statuses[hit.code];
  canvas.title = `Household ${hit.household}: ${st ? st.label : ''} (click for its story)`;
}

function onGridClick(event) {
  const hit = householdAt(event);
  if (!hit) return;
  app.selected = hit;
  drawVillages();
  openStory(hit);
}

// ---------------------------------------------------------------- stories

function sparkline(income) {
  const W = 360; const H = 110; const m = { l: 46, r: 8, t: 8, b: 20 };
  const root = svg('svg', { viewBox: `0 0 ${W} ${H}`, class: 'spark', role: 'img', 'aria-label': 'Income against the poverty line' });
  if (!income.length) return root;
  const max = Math.max(...income.map((p) => Math.max(p.income, p.line))) * 1.1 || 1;
  const n = income.length;
  const x = (i) => m.l + (n === 1 ? 0 : (i / (n - 1)) * (W - m.l - m.r));
  const y = (v) => m.t + (H - m.t - m.b) * (1 - Math.max(0, v) / max);
  const step = niceStep(max, 3);
  for (let v = 0; v <= max; v += step) {
    root.append(svg('line', { x1: m.l, x2: W - m.r, y1: y(v), y2: y(v), stroke: C.grid }));
    root.append(svg('text', { x: m.l - 4, y: y(v) + 4, 'text-anchor': 'end', 'font-size': 10, fill: C.text }, thousands(v)));
  }
  const path = (key) => income.map((p, i) => `${x(i).toFixed(1)},${y(p[key]).toFixed(1)}`).join(' ');
  root.append(svg('polyline', { points: path('line'), fill: 'none', stroke: C.vermillion, 'stroke-width': 1.5, 'stroke-dasharray': DASH.dashed }));
  root.append(svg('polyline', { points: path('income'), fill: 'none', stroke: C.blue, 'stroke-width': 2 }));
  root.append(svg('text', { x: m.l, y: H - 4, 'font-size': 10, fill: C.text }, income[0].month));
  root.append(svg('text', { x: W - m.r, y: H - 4, 'font-size': 10, fill: C.text, 'text-anchor': 'end' }, income[n - 1].month));
  return root;
}

async function openStory(hit) {
  const panel = $('story');
  panel.hidden = false;
  $('story-title').textContent = `Household ${hit.household}, village ${hit.village}${app.view.sides.length > 1 ? `, side ${hit.side.toUpperCase()}` : ''}`;
  $('story-body').replaceChildren(el('p', { class: 'hint', text: 'Replaying its months…' }));
  try {
    const story = await enqueue(() => onSession('GET', `/story?side=${hit.side}&village=${hit.village}&household=${hit.household}`));
    if (!story) return;
    renderStory(story);
  } catch (e) {
    $('story-body').replaceChildren(el('p', { class: 'error', text: e.message }));
  }
}

function renderStory(story) {
  const facts = `${story.size} person${story.size === 1 ? '' : 's'}, ${story.labour} able to work${story.chronic_illness ? ', a chronically ill member' : ''}`;
  const status = story.status
    ? el('p', { class: 'story-status' }, [el('span', { class: `swatch status-${story.status}` }), el('span', { text: `Now (${story.until}): ${story.status_label}` })])
    : el('p', { class: 'hint', text: 'The run has not started: press Step or Run first.' });
  const events = story.events.length
    ? el('table', { class: 'events' }, [
      el('thead', {}, [el('tr', {}, [el('th', { text: 'Month' }), el('th', { text: 'What' }), el('th', { text: 'Detail' })])]),
      el('tbody', {}, story.events.map((e) => el('tr', { class: `event-${e.kind}` }, [
        el('td', { class: 'when', text: e.month }), el('td', { class: 'what', text: e.kind_label }), el('td', { text: e.detail }),
      ]))),
    ])
    : el('p', { class: 'hint', text: 'Nothing has happened to this household yet.' });
  $('story-body').replaceChildren(
    el('p', { class: 'facts', text: facts }),
    status,
    el('h3', { text: 'Income per person-year (yuan): household (solid) and poverty line (dashed)' }),
    sparkline(story.income),
    el('h3', { text: `What happened, month by month, up to ${story.until}` }),
    events,
  );
}

function closeStory() {
  $('story').hidden = true;
  app.selected = null;
  if (app.view) drawVillages();
}

// ---------------------------------------------------------------- drawing

function render() {
  const view = app.view;
  if (!view) return;
  $('ab-key').hidden = view.sides.length < 2;
  $('month').textContent = view.label;
  const done = view.month;
  $('progress-bar').style.width = `${(100 * done) / view.months_total}%`;
  $('progress-text').textContent = done === 0
    ? `start: 0 of ${view.months_total} months simulated`
    : `${done} of ${view.months_total} months simulated${view.finished ? ' (finished)' : ''}`;
  document.body.dataset.month = String(done);
  for (const spec of CHARTS) drawChart(spec);
  drawLegend();
  drawVillages();
}

// ---------------------------------------------------------------- start

async function start() {
  app.catalogue = await api('GET', '/api/levers');
  const d = app.catalogue.defaults;
  for (const lever of app.catalogue.levers) app.setup.a[lever.key] = d[lever.key];
  for (const lever of app.catalogue.world) app.setup.world[lever.key] = d[lever.key];
  buildLevers();
  $('lever-form').addEventListener('input', onLeverInput);
  $('lever-form').addEventListener('change', onLeverInput);
  $('lever-form').addEventListener('submit', (e) => e.preventDefault());
  $('world').addEventListener('click', (e) => {
    if (e.target.id !== 'new-luck') return;
    const seed = Math.floor(Math.random() * 1e9);
    const input = $('world-simulation.seed');
    input.value = seed;
    app.setup.world['simulation.seed'] = seed;
    applySetup(`New luck: seed ${seed}. The world starts again from 2014-01.`);
  });
  $('run').addEventListener('click', () => setRunning(true));
  $('pause').addEventListener('click', () => setRunning(false));
  $('step').addEventListener('click', () => enqueue(() => stepMonths(1)).catch(showError));
  $('reset').addEventListener('click', () => {
    setRunning(false);
    enqueue(async () => {
      const state = await onSession('POST', '/reset');
      if (state) { app.rows = [[], []]; accept(state); }
    }).catch(showError);
  });
  $('speed').addEventListener('input', () => { $('speed-out').textContent = `${speed()} months/s`; });
  $('ab').addEventListener('change', (e) => setAB(e.target.checked));
  $('story-close').addEventListener('click', closeStory);
  $('notice').addEventListener('click', () => { $('notice').hidden = true; });
  document.addEventListener('keydown', (e) => { if (e.key === 'Escape') closeStory(); });
  window.addEventListener('pagehide', () => {
    if (app.session) fetch(`/api/session/${app.session}`, { method: 'DELETE', keepalive: true }).catch(() => {});
  });
  $('speed-out').textContent = `${speed()} months/s`;
  $('ab').checked = false;
  setRunning(false);
  await enqueue(openSession);
  document.body.classList.add('ready');
}

document.addEventListener('DOMContentLoaded', () => {
  start().catch((e) => notify(`The page could not start: ${e.message}`, true));
});
