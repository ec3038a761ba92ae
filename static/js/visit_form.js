// Keeps what was typed when the signal drops: the draft lives in the phone's storage until the
// visit is saved, and the submit button is disabled once pressed so a double tap sends one form.
(function () {
  var form = document.getElementById("visit-form");
  if (!form || !window.localStorage) return;
  var key = form.dataset.draftKey;
  var fields = ["start", "end", "help_given", "notes"];
  try {
    var draft = JSON.parse(localStorage.getItem(key) || "{}");
    fields.forEach(function (name) {
      var input = form.elements[name];
      if (input && draft[name] && !form.querySelector(".has-error")) input.value = draft[name];
    });
  } catch (e) { localStorage.removeItem(key); }
  form.addEventListener("input", function () {
    var draft = {};
    fields.forEach(function (name) { if (form.elements[name]) draft[name] = form.elements[name].value; });
    localStorage.setItem(key, JSON.stringify(draft));
  });
  form.addEventListener("submit", function () {
    var button = document.getElementById("save-visit");
    setTimeout(function () { button.disabled = true; }, 0);
  });
  if (document.querySelector(".message.success")) localStorage.removeItem(key);
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
