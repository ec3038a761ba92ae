// Keeps what was typed when the signal drops, and only until the server has the visit.
// The draft (every field, the household and task ticks included; photos cannot be kept) is
// stored with the form's idempotency key. The form page lists the keys of the cadre's stored
// visits (data-saved-keys): a draft whose key is listed was saved, so it is dropped and the
// next visit starts empty. Otherwise it is restored with its key, so resending a submission that
// did reach the server stores nothing twice. A correction has no key: its draft is dropped once
// the visit on the server no longer matches the one the draft started from.
// The submit button is disabled once pressed so a double tap sends one form.
(function () {
  var form = document.getElementById("visit-form");
  var store = null;
  try { store = window.localStorage; } catch (e) { store = null; }
  if (!form || !store) return;
  var name = form.dataset.draftKey;
  var keyInput = form.elements.key || null;
  var savedKeys = (form.dataset.savedKeys || "").split(/\s+/).filter(Boolean);
  // The server answered this submission and refused it: the page already shows what was sent.
  var refused = !!form.querySelector(".error, .has-error");

  function kept(element) {
    return element.name && ["hidden", "file", "submit", "button", "reset"].indexOf(element.type) === -1;
  }

  function snapshot() {
    var values = {};
    Array.prototype.forEach.call(form.elements, function (element) {
      if (!kept(element)) return;
      if (element.type === "checkbox" || element.type === "radio") {
        if (!values[element.name]) values[element.name] = [];
        if (element.checked) values[element.name].push(element.value);
      } else {
        values[element.name] = element.value;
      }
    });
    return values;
  }

  function restore(values) {
    Array.prototype.forEach.call(form.elements, function (element) {
      if (!kept(element) || !Object.prototype.hasOwnProperty.call(values, element.name)) return;
      var value = values[element.name];
      if (element.type === "checkbox" || element.type === "radio") {
        element.checked = Array.isArray(value) && value.indexOf(element.value) !== -1;
      } else if (typeof value === "string") {
        element.value = value;
      }
    });
  }

  var onServer = JSON.stringify(snapshot());
  var draft = null;
  try { draft = JSON.parse(store.getItem(name) || "null"); } catch (e) { draft = null; }
  if (draft && (typeof draft.values !== "object" || !draft.values)) draft = null;
  var saved = draft && (keyInput ? savedKeys.indexOf(draft.key) !== -1 : !refused && draft.basis !== onServer);
  if (!draft || saved) {
    store.removeItem(name);
    draft = null;
  } else if (!refused) {
    restore(draft.values);
    if (keyInput && draft.key) {
      keyInput.value = draft.key;
      form.dataset.keyFromDraft = "1";  // outbox.js keeps this key on a page kept offline
    }
  }
  var basis = draft && draft.basis ? draft.basis : onServer;

  function keep() {
    var value = {key: keyInput ? keyInput.value : "", basis: basis, values: snapshot()};
    try { store.setItem(name, JSON.stringify(value)); } catch (e) { /* storage full or blocked: the form still sends */ }
  }

  form.addEventListener("input", keep);
  form.addEventListener("change", keep);
  // The outbox (outbox.js) took the visit: it is kept there, not as a draft, and the form is
  // empty for the next one.
  form.addEventListener("outbox:queued", function () { store.removeItem(name); basis = onServer; });
  form.addEventListener("submit", function () {
    keep();  // kept until the server lists this key as saved
    var button = document.getElementById("save-visit");
    setTimeout(function () { button.disabled = true; }, 0);
  });
})();

// Location is optional evidence (it can clear a flag), never a gate: the button shows only where
// the phone can tell, and the visit saves the same without it.
(function () {
  var button = document.getElementById("add-location");
  var status = document.getElementById("location-status");
  var form = document.getElementById("visit-form");
  if (!button || !form || !navigator.geolocation || !window.isSecureContext) return;
  button.hidden = false;
  button.addEventListener("click", function () {
    status.textContent = button.dataset.waiting || "正在获取位置…";
    navigator.geolocation.getCurrentPosition(function (position) {
      form.elements.latitude.value = position.coords.latitude.toFixed(6);
      form.elements.longitude.value = position.coords.longitude.toFixed(6);
      form.elements.accuracy.value = Math.round(position.coords.accuracy);
      status.textContent = (button.dataset.done || "已附上位置") + "（±" + Math.round(position.coords.accuracy) + " m）";
    }, function () {
      status.textContent = button.dataset.failed || "未能获取位置，可不附位置直接保存。";
    }, {enableHighAccuracy: true, timeout: 15000, maximumAge: 60000});
  });
})();
