// Keyboard decisions on the family review page: s (same family), d (different people),
// 1-9 (switch that pair: as the family -> same -> different), Enter (decide).
"use strict";
document.addEventListener("keydown", function (event) {
  var form = document.getElementById("family-form");
  if (!form || event.ctrlKey || event.metaKey || event.altKey) return;
  if (event.target.matches && event.target.matches("textarea, input[type=text]")) return;
  var key = event.key;
  if (key === "s" || key === "d") {
    form.querySelector(key === "s" ? "#family-same" : "#family-different").checked = true;
  } else if (/^[1-9]$/.test(key)) {
    var choice = form.querySelector('select[data-key="' + key + '"]');
    if (!choice) return;
    var order = ["", "same", "different"];
    choice.value = order[(order.indexOf(choice.value) + 1) % order.length];
  } else if (key === "Enter") {
    form.requestSubmit();
  } else {
    return;
  }
  event.preventDefault();
});
