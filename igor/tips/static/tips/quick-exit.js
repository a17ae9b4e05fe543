// Quick exit: the link works without JavaScript (the server deletes the draft and the session
// and redirects). With JavaScript it also replaces this page in the history, so Back does not
// return here, and Shift pressed three times (within five seconds) does the same.
(function () {
  "use strict";
  var link = document.querySelector("[data-quick-exit]");
  if (!link) {
    return;
  }
  function leave(event) {
    if (event) {
      event.preventDefault();
    }
    document.body.hidden = true;
    document.title = "";
    window.location.replace(link.href);
  }
  link.addEventListener("click", leave);
  var presses = [];
  document.addEventListener("keyup", function (event) {
    if (event.key !== "Shift") {
      presses = [];
      return;
    }
    var now = Date.now();
    presses = presses.filter(function (at) {
      return now - at < 5000;
    });
    presses.push(now);
    if (presses.length >= 3) {
      leave();
    }
  });
})();
