// The household plan on a phone: "添加措施" adds a blank measure row from the form's template
// (the formset's empty form), numbered after the rows already there.
(function () {
  var form = document.getElementById("plan-form");
  var button = document.getElementById("add-measure");
  var template = document.getElementById("measure-template");
  if (!form || !button || !template) return;
  var total = form.querySelector("input[name=measures-TOTAL_FORMS]");
  var list = document.getElementById("measures");
  button.hidden = false;
  button.addEventListener("click", function () {
    var n = parseInt(total.value, 10) || 0;
    var holder = document.createElement("div");
    holder.innerHTML = template.innerHTML.replace(/__prefix__/g, String(n)).replace(/__number__/g, String(n + 1));
    while (holder.firstChild) list.appendChild(holder.firstChild);
    total.value = String(n + 1);
    var first = list.lastElementChild && list.lastElementChild.querySelector("select, input");
    if (first) first.focus();
  });
})();
