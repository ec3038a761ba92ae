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
