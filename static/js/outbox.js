// The phone offline (docs/architecture.md, "The phone offline"): registers the service worker,
// shows how old a page kept offline is, and keeps an outbox of forms in IndexedDB.
//
// A form marked <form data-outbox="API URL" data-outbox-done="page after sending"
// data-outbox-label="走访"> is not posted as a page: its fields
// are stored on the phone with the form's idempotency key (the hidden input "key", sent as
// "idempotency_key"), then sent to the API in the order they were filled, now if there is a
// signal, else when it returns (the online event, a timer with back-off, the 立即发送 button).
// An option or checkbox with data-api-value sends that value (households by number). Photos
// (file inputs) are resized to JPEG on the phone first. The server's refusal (a 4xx with its
// messages) keeps the entry, with the message, until the cadre corrects or discards it.
// Plain ES module, no dependencies.

const script = document.getElementById("outbox-script");
const T = script ? script.dataset : {};          // the texts, translated by the page
const USER = T.user || "";                        // entries are sent only in their author's session
const DB_NAME = "shuanglian-outbox";
const TIMEOUT = 20000;                            // a request gives up after 20 s
const QUICK = 5000;                               // the form waits this long for an answer, then moves on
const BUDGET = 20 * 1024 * 1024;                  // the outbox holds at most 20 MB (photos included)
const PHOTO_SIDE = 1600;                          // photos kept at most 1600 px on their long side
const PHOTO_QUALITY = 0.8;
const KEY_NAMES = {key: "idempotency_key"};       // form field → API field

// --- IndexedDB -------------------------------------------------------------------------------
function openDb() {
  return new Promise((resolve, reject) => {
    const request = indexedDB.open(DB_NAME, 1);
    request.onupgradeneeded = () => request.result.createObjectStore("items", {keyPath: "key"});
    request.onsuccess = () => resolve(request.result);
    request.onerror = () => reject(request.error);
  });
}

async function store(mode, work) {
  const db = await openDb();
  return new Promise((resolve, reject) => {
    const tx = db.transaction("items", mode);
    const result = work(tx.objectStore("items"));
    tx.oncomplete = () => { db.close(); resolve(result && "result" in result ? result.result : undefined); };
    tx.onerror = () => { db.close(); reject(tx.error); };
  });
}

const allItems = async () => ((await store("readonly", (s) => s.getAll())) || [])
  .filter((item) => item.user === USER).sort((a, b) => a.created - b.created);
const getItem = (key) => store("readonly", (s) => s.get(key));
const putItem = (item) => store("readwrite", (s) => s.put(item));
const dropItem = (key) => store("readwrite", (s) => s.delete(key));

// --- reading a form ----------------------------------------------------------------------------
function kept(el) {
  return el.name && !el.disabled && ["submit", "button", "reset"].indexOf(el.type) === -1 &&
    el.name !== "csrfmiddlewaretoken";
}

// The fields as the API reads them (names renamed, households by number) and as the form shows them.
function readForm(form) {
  const fields = [];
  const values = {};
  const files = [];
  Array.prototype.forEach.call(form.elements, (el) => {
    if (!kept(el)) return;
    const name = KEY_NAMES[el.name] || el.name;
    if (el.type === "file") {
      Array.prototype.forEach.call(el.files, (file) => files.push({field: name, file}));
    } else if (el.type === "checkbox" || el.type === "radio") {
      if (!values[el.name]) values[el.name] = [];
      if (el.checked) {
        values[el.name].push(el.value);
        fields.push([name, el.dataset.apiValue || el.value]);
      }
    } else if (el.tagName === "SELECT") {
      values[el.name] = el.value;
      Array.prototype.forEach.call(el.selectedOptions, (o) => { if (o.value) fields.push([name, o.dataset.apiValue || o.value]); });
    } else {
      values[el.name] = el.value;
      if (el.value !== "") fields.push([name, el.value]);
    }
  });
  return {fields, values, files};
}

function fillForm(form, values) {
  Array.prototype.forEach.call(form.elements, (el) => {
    if (!kept(el) || el.type === "file" || !(el.name in values)) return;
    const value = values[el.name];
    if (el.type === "checkbox" || el.type === "radio") el.checked = Array.isArray(value) && value.indexOf(el.value) !== -1;
    else if (typeof value === "string") el.value = value;
  });
}

// A photo made smaller on the phone: at most PHOTO_SIDE pixels on its long side, JPEG.
async function resized(file) {
  if (!/^image\//.test(file.type)) return file;
  try {
    const bitmap = await createImageBitmap(file);
    const scale = Math.min(1, PHOTO_SIDE / Math.max(bitmap.width, bitmap.height));
    const canvas = document.createElement("canvas");
    canvas.width = Math.round(bitmap.width * scale);
    canvas.height = Math.round(bitmap.height * scale);
    canvas.getContext("2d").drawImage(bitmap, 0, 0, canvas.width, canvas.height);
    const blob = await new Promise((resolve) => canvas.toBlob(resolve, "image/jpeg", PHOTO_QUALITY));
    return blob ? new File([blob], file.name.replace(/\.\w+$/, "") + ".jpg", {type: "image/jpeg"}) : file;
  } catch (e) {
    return file;  // a picture the phone cannot draw goes as it is; the server checks it
  }
}

const sizeOf = (item) => JSON.stringify(item.fields).length + item.photos.reduce((n, p) => n + p.file.size, 0);

// A time-ordered key (UUID version 7: the milliseconds first, then random bits), as the server's
// forms make them (shuanglian/keys.py): the index of every key takes new ones at its right edge.
function newKey() {
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  for (let i = 5, ms = Date.now(); i >= 0; i--, ms = Math.floor(ms / 256)) bytes[i] = ms % 256;
  bytes[6] = (bytes[6] & 0x0f) | 0x70;  // version 7
  bytes[8] = (bytes[8] & 0x3f) | 0x80;  // the RFC 9562 variant
  const hex = Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");
  return [hex.slice(0, 8), hex.slice(8, 12), hex.slice(12, 16), hex.slice(16, 20), hex.slice(20)].join("-");
}

// --- sending -----------------------------------------------------------------------------------
function csrfToken(item) {
  const match = document.cookie.match(/(?:^|;\s*)csrftoken=([^;]+)/);
  return match ? decodeURIComponent(match[1]) : item.csrf;
}

// The server's messages, one line: {field: [messages]} or {detail: message}.
function messagesOf(body) {
  if (!body || typeof body !== "object") return T.refused || "";
  const out = [];
  Object.keys(body).forEach((field) => {
    const value = body[field];
    (Array.isArray(value) ? value : [value]).forEach((m) => out.push(typeof m === "string" ? m : JSON.stringify(m)));
  });
  return out.join(" ");
}

// One try: "sent", "refused" (kept with the server's message), "signin" (the session is gone:
// kept pending until the cadre signs in again) or "retry" (no signal, a timeout, a server error).
async function sendOne(item) {
  const body = new FormData();
  item.fields.forEach(([name, value]) => body.append(name, value));
  item.photos.forEach((p) => body.append(p.field, p.file, p.file.name || "photo.jpg"));
  const abort = new AbortController();
  const timer = setTimeout(() => abort.abort(), TIMEOUT);
  let response;
  try {
    response = await fetch(item.api, {method: "POST", body, credentials: "same-origin", signal: abort.signal,
                                      headers: {"X-CSRFToken": csrfToken(item), "Accept": "application/json"}});
  } catch (e) {
    return {outcome: "retry"};
  } finally {
    clearTimeout(timer);
  }
  if (response.ok) return {outcome: "sent"};
  if (response.status === 429 || response.status >= 500) return {outcome: "retry"};
  let answer = null;
  try { answer = await response.json(); } catch (e) { answer = null; }
  if (response.status === 401 || response.status === 403) {
    // Signed out (or a stale CSRF cookie)? The API's root answers anyone signed in.
    const probe = await fetch(script.dataset.api, {credentials: "same-origin"}).catch(() => null);
    if (!probe || !probe.ok) return {outcome: "signin"};
  }
  return {outcome: "refused", message: messagesOf(answer)};
}

const sameContent = (a, b) => JSON.stringify(a.fields) === JSON.stringify(b.fields) &&
  a.photos.length === b.photos.length;

let flushing = null;
let again = false;
let timer = null;

// Sends the pending entries in the order they were filled; stops at the first that cannot go
// (no signal), so none overtakes an earlier one. ``now`` ignores the back-off (立即发送).
// Web Locks keep two tabs of the phone from sending at once.
async function flush(now) {
  if (flushing) { again = true; return flushing; }  // an entry stored meanwhile is sent by a second pass
  const run = async () => {
    if (!navigator.onLine) return;  // the online event sends them
    for (const item of await allItems()) {
      if (item.status === "refused") continue;
      if (!now && item.next && item.next > Date.now()) break;
      const result = await sendOne(item);
      const current = await getItem(item.key);
      if (!current) continue;  // discarded meanwhile
      const changed = current.updated !== item.updated;
      if (changed && result.outcome === "sent" && !sameContent(current, item)) {
        // Corrected while the first version was on its way: the server keeps the first (the key
        // is the same), so the correction must be made on the stored record. Said, not dropped.
        Object.assign(current, {status: "refused", message: T.stale});
        await putItem(current);
        continue;
      }
      if (changed && result.outcome !== "sent") continue;  // changed meanwhile: sent next time
      if (result.outcome === "sent") {
        await dropItem(item.key);
        remember(item.key);
        announce("sent", item);
      } else if (result.outcome === "refused") {
        Object.assign(current, {status: "refused", message: result.message});
        await putItem(current);
        announce("refused", current);
      } else {
        const attempts = (current.attempts || 0) + 1;
        Object.assign(current, {attempts, next: Date.now() + Math.min(15000 * 2 ** (attempts - 1), 600000),
                                message: result.outcome === "signin" ? T.signin : T.waiting});
        await putItem(current);
        announce("waiting", current);
        break;
      }
    }
  };
  flushing = (navigator.locks ? navigator.locks.request("shuanglian-outbox", run) : run())
    .catch(() => null).then(async () => {
      flushing = null;
      await render();
      if (again) { again = false; return flush(now); }
      schedule();
    });
  return flushing;
}

// The next try of a waiting entry, at its back-off time.
async function schedule() {
  clearTimeout(timer);
  const waiting = (await allItems()).filter((i) => i.status !== "refused" && i.next);
  if (!waiting.length) return;
  timer = setTimeout(() => flush(false), Math.max(1000, Math.min(...waiting.map((i) => i.next)) - Date.now()));
}

// Keys the server has (this phone's last few), so a page kept offline never reuses one.
function remember(key) {
  try {
    const keys = JSON.parse(localStorage.getItem("outbox-sent") || "[]").concat([key]).slice(-100);
    localStorage.setItem("outbox-sent", JSON.stringify(keys));
  } catch (e) { /* storage blocked: the server still refuses nothing twice */ }
}

function sentBefore(key) {
  try { return JSON.parse(localStorage.getItem("outbox-sent") || "[]").indexOf(key) !== -1; } catch (e) { return false; }
}

// Each entry's outcome, to the form waiting for it (see queue()).
const listeners = new Map();
function announce(outcome, item) {
  const listener = listeners.get(item.key);
  if (listener) listener(outcome, item);
}

// --- the outbox on every page ------------------------------------------------------------------
function el(tag, attrs, text) {
  const node = document.createElement(tag);
  Object.keys(attrs || {}).forEach((k) => node.setAttribute(k, attrs[k]));
  if (text) node.textContent = text;
  return node;
}

async function render() {
  const box = document.getElementById("outbox");
  if (!box) return;
  const items = await allItems();
  box.hidden = items.length === 0;
  document.getElementById("outbox-count").textContent = String(items.length);
  // An entry the server refused waits for the cadre: the list opens by itself.
  if (items.some((i) => i.status === "refused")) box.querySelector("details").open = true;
  const list = document.getElementById("outbox-items");
  list.replaceChildren(...items.map((item) => {
    const li = el("li", {"data-key": item.key, class: item.status === "refused" ? "refused" : "pending"});
    li.append(el("strong", {}, item.label), " ", el("small", {}, new Date(item.created).toLocaleString(document.documentElement.lang || "zh-CN")));
    li.append(" ", el("span", {class: "state"}, item.status === "refused" ? T.refusedState : T.pendingState));
    if (item.message) li.append(el("p", {class: item.status === "refused" ? "error" : "hint"}, item.message));
    const open = el("a", {href: item.page + "#outbox-" + item.key, class: "outbox-open"}, T.open);
    const discard = el("button", {type: "button", class: "secondary outbox-discard"}, T.discard);
    discard.addEventListener("click", async () => {
      if (!window.confirm(T.confirmDiscard)) return;
      await dropItem(item.key);
      render();
    });
    li.append(open, " ", discard);
    return li;
  }));
}

// "离线：数据更新于 …" on a page the service worker answered from what it kept.
function banner() {
  const meta = document.querySelector('meta[name="offline-kept-at"]');
  const box = document.getElementById("offline-banner");
  if (!meta || !box) return false;
  const at = meta.content ? new Date(meta.content) : null;
  box.textContent = (T.offline || "") + (at ? at.toLocaleString(document.documentElement.lang || "zh-CN", {hour12: false}) : "");
  box.hidden = false;
  return true;
}

function flash() {
  let text = null;
  try { text = sessionStorage.getItem("outbox-flash"); sessionStorage.removeItem("outbox-flash"); } catch (e) { text = null; }
  const main = document.querySelector("main");
  if (text && main) main.prepend(el("p", {class: "message success", id: "outbox-flash"}, text));
}

// --- a form marked data-outbox -----------------------------------------------------------------
function say(form, text, kind) {
  let box = form.querySelector(".outbox-note");
  if (!box) {
    box = el("div", {class: "outbox-note", role: "alert", "aria-live": "polite"});
    form.prepend(box);
  }
  box.className = "outbox-note " + (kind || "hint");
  box.textContent = text;
}

function freshKey(form) {
  if (form.elements.key) form.elements.key.value = newKey();
}

async function queue(form, button) {
  if (button) button.disabled = true;  // a double tap sends one entry
  const {fields, values, files} = readForm(form);
  const key = form.elements.key ? form.elements.key.value : newKey();
  if (!fields.some(([name]) => name === "idempotency_key")) fields.push(["idempotency_key", key]);
  const photos = [];
  for (const p of files) photos.push({field: p.field, file: await resized(p.file)});
  const now = Date.now();
  const item = {key, user: USER, api: form.dataset.outbox, page: location.pathname, done: form.dataset.outboxDone,
                label: form.dataset.outboxLabel || document.title,
                fields, values, photos, status: "pending", attempts: 0, next: 0, message: "", created: now,
                updated: now, csrf: (form.elements.csrfmiddlewaretoken || {}).value};
  const previous = await getItem(key);
  if (previous) item.created = previous.created;  // a corrected entry keeps its place in the order
  const others = (await allItems()).filter((i) => i.key !== key);
  if (others.reduce((n, i) => n + sizeOf(i), 0) + sizeOf(item) > BUDGET) {
    say(form, T.full, "error");
    if (button) button.disabled = false;
    return;
  }
  try {
    await putItem(item);
  } catch (e) {
    say(form, T.full, "error");
    if (button) button.disabled = false;
    return;
  }
  render();
  const moveOn = () => {  // kept on the phone: the form is free for the next entry
    listeners.delete(key);
    form.reset();
    freshKey(form);
    form.dispatchEvent(new CustomEvent("outbox:queued", {detail: {key}}));
    say(form, T.queued, "hint");
    if (button) button.disabled = false;
  };
  if (!navigator.onLine) { moveOn(); return; }
  say(form, T.sending, "hint");
  const quick = setTimeout(moveOn, QUICK);
  listeners.set(key, (outcome, stored) => {
    clearTimeout(quick);
    listeners.delete(key);
    if (outcome === "sent") {
      try { sessionStorage.setItem("outbox-flash", (T.sent || "") + item.label); } catch (e) { /* no flash */ }
      form.dispatchEvent(new CustomEvent("outbox:sent", {detail: {key}}));
      location.assign(item.done || "/");
    } else if (outcome === "refused") {
      say(form, stored.message, "error");
      if (button) button.disabled = false;
    } else {
      moveOn();
    }
  });
  flush(true);
}

// An entry opened from the outbox: its fields, photos and the server's message, to correct it.
async function reopen(form) {
  const match = location.hash.match(/^#outbox-(.+)$/);
  if (!match) return false;
  const item = await getItem(decodeURIComponent(match[1]));
  if (!item || item.user !== USER) return false;
  fillForm(form, item.values);
  if (form.elements.key) form.elements.key.value = item.key;
  const input = form.querySelector('input[type="file"]');
  if (input && item.photos.length && window.DataTransfer) {
    const transfer = new DataTransfer();
    item.photos.forEach((p) => transfer.items.add(p.file));
    input.files = transfer.files;
  }
  if (item.message) say(form, item.message, item.status === "refused" ? "error" : "hint");
  return true;
}

async function setUpForm(form, fromKept) {
  const reopened = await reopen(form);
  const key = form.elements.key ? form.elements.key.value : "";
  // A page kept offline carries the key it was kept with: a second entry must not reuse it.
  if (!reopened && key && (sentBefore(key) || (await getItem(key)) || (fromKept && !form.dataset.keyFromDraft))) {
    freshKey(form);
  }
  // Opened from the outbox while on this very page: only the address's #fragment changes.
  window.addEventListener("hashchange", () => reopen(form));
  // Caught on the way down, before the form's own listeners: the page is not posted.
  let busy = false;
  document.addEventListener("submit", async (event) => {
    if (event.target !== form) return;
    event.preventDefault();
    event.stopImmediatePropagation();
    if (busy) return;
    busy = true;
    try {
      await queue(form, event.submitter || form.querySelector("button[type=submit]"));
    } finally {
      busy = false;
    }
  }, true);
}

// --- start -------------------------------------------------------------------------------------
async function keepPages() {
  // The pages to keep for offline use: this one and the site's pages it links to (the pages
  // opened are kept anyway as they load; the worker fetches the others at most every 15 minutes).
  const urls = new Set([location.pathname]);
  document.querySelectorAll("a[href]").forEach((a) => {
    const url = new URL(a.href, location.href);
    if (url.origin === location.origin && !url.search && !url.hash) urls.add(url.pathname);
  });
  const registration = await navigator.serviceWorker.ready;
  const channel = new MessageChannel();
  channel.port1.onmessage = () => { document.documentElement.dataset.offlineReady = "1"; };
  registration.active.postMessage({type: "keep", urls: Array.from(urls)}, [channel.port2]);
}

async function start() {
  const fromKept = banner();
  flash();
  // Only a signed-in user's phone runs the worker: an anonymous visitor (the public pages) has
  // nothing to keep and no outbox.
  if (USER && "serviceWorker" in navigator && script && script.dataset.sw && window.isSecureContext) {
    navigator.serviceWorker.register(script.dataset.sw, {scope: "/"}).catch(() => null);
    if (USER && !fromKept && navigator.onLine) keepPages().catch(() => null);
    // Signing out forgets the kept pages: the next person on this phone sees none of them.
    document.querySelectorAll('form[action$="/logout/"], form[data-forget-pages]').forEach((form) => form.addEventListener("submit", () => {
      if (navigator.serviceWorker.controller) navigator.serviceWorker.controller.postMessage({type: "forget"});
    }));
  }
  if (!USER || !window.indexedDB) return;
  for (const form of document.querySelectorAll("form[data-outbox]")) await setUpForm(form, fromKept);
  const send = document.getElementById("outbox-send");
  if (send) send.addEventListener("click", () => flush(true));
  window.addEventListener("online", () => flush(true));
  await render();
  flush(false);
}

start();
