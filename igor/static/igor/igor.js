/*
 * IGOR's progressive enhancement. Every page works without this file; it only
 * - moves focus to the error summary after a failed submit, so it is read first;
 * - warns two minutes before the idle session ends and lets the user stay logged in;
 * - announces and focuses sensibly after htmx swaps part of a page.
 * No inline scripts anywhere: the Content-Security-Policy allows only files from this host.
 */
(function () {
  "use strict";

  var WARN_BEFORE_MS = 2 * 60 * 1000;

  function focusErrorSummary() {
    var summary = document.querySelector("[data-error-summary]");
    if (summary) {
      summary.focus();
    }
  }

  /* Error summary links jump to the field itself, not just scroll the page. */
  function wireErrorSummaryLinks(root) {
    var links = root.querySelectorAll("[data-error-summary] a[href^='#']");
    links.forEach(function (link) {
      link.addEventListener("click", function (event) {
        var target = document.getElementById(link.getAttribute("href").slice(1));
        if (!target) {
          return;
        }
        event.preventDefault();
        target.focus();
        var field = target.closest(".field");
        (field || target).scrollIntoView({ block: "start" });
      });
    });
  }

  /* ---------- session expiry warning ---------- */

  function SessionTimer(note) {
    this.note = note;
    this.dialog = note.querySelector(".session-warning");
    this.idleMs = parseInt(note.getAttribute("data-idle-seconds"), 10) * 1000;
    this.pingUrl = note.getAttribute("data-ping-url");
    this.loginUrl = note.getAttribute("data-login-url");
    this.warnTimer = null;
    this.endTimer = null;
  }

  SessionTimer.prototype.start = function () {
    var self = this;
    if (!this.dialog || !(this.idleMs > 0)) {
      return;
    }
    var button = this.dialog.querySelector("[data-session-continue]");
    if (button) {
      button.addEventListener("click", function () {
        self.keepAlive();
      });
    }
    // Escape closes a modal dialog; treat it as "stay logged in" rather than ignoring it.
    this.dialog.addEventListener("cancel", function (event) {
      event.preventDefault();
      self.keepAlive();
    });
    this.reset();
  };

  SessionTimer.prototype.reset = function () {
    var self = this;
    clearTimeout(this.warnTimer);
    clearTimeout(this.endTimer);
    var warnIn = Math.max(this.idleMs - WARN_BEFORE_MS, this.idleMs / 2);
    this.warnTimer = setTimeout(function () {
      self.warn();
    }, warnIn);
    this.endTimer = setTimeout(function () {
      self.expire();
    }, this.idleMs);
  };

  SessionTimer.prototype.warn = function () {
    if (typeof this.dialog.showModal === "function") {
      if (!this.dialog.open) {
        this.dialog.showModal();
      }
    } else {
      this.dialog.setAttribute("open", "");
    }
    var button = this.dialog.querySelector("[data-session-continue]");
    if (button) {
      button.focus();
    }
  };

  SessionTimer.prototype.hide = function () {
    if (typeof this.dialog.close === "function" && this.dialog.open) {
      this.dialog.close();
    } else {
      this.dialog.removeAttribute("open");
    }
  };

  SessionTimer.prototype.keepAlive = function () {
    var self = this;
    fetch(this.pingUrl, {
      method: "GET",
      credentials: "same-origin",
      headers: { "X-Requested-With": "fetch" },
      redirect: "manual",
    })
      .then(function (response) {
        if (response.ok) {
          self.hide();
          self.reset();
        } else {
          self.expire();
        }
      })
      .catch(function () {
        self.hide();
      });
  };

  SessionTimer.prototype.expire = function () {
    var here = window.location.pathname + window.location.search;
    var target = this.loginUrl || "/";
    window.location.assign(target + "?next=" + encodeURIComponent(here));
  };

  /* ---------- htmx swaps ---------- */

  function liveRegion() {
    return document.querySelector("[data-live-region]");
  }

  function announce(text) {
    var region = liveRegion();
    if (!region || !text) {
      return;
    }
    // Clearing first makes screen readers repeat an identical message.
    region.textContent = "";
    window.setTimeout(function () {
      region.textContent = text;
    }, 50);
  }

  function afterSwap(target, triggeredBySubmit) {
    if (!target) {
      return;
    }
    wireErrorSummaryLinks(target);
    var message = target.querySelector("[data-announce]");
    announce(message ? message.textContent.trim() : "");
    if (!triggeredBySubmit) {
      return; // a filter changed: the user stays where they are
    }
    var focusTarget = target.querySelector("[data-focus-after-swap]");
    if (focusTarget) {
      focusTarget.focus();
    }
  }

  function wireHtmx(timer) {
    var submitting = false;
    document.body.addEventListener("submit", function () {
      submitting = true;
    });
    document.body.addEventListener("htmx:afterRequest", function () {
      if (timer) {
        timer.reset();
      }
    });
    document.body.addEventListener("htmx:afterSettle", function (event) {
      var target = event.target;
      if (target && (target.id === "table" || target.id === "results")) {
        afterSwap(target, submitting);
      }
      submitting = false;
    });
  }

  function init() {
    focusErrorSummary();
    wireErrorSummaryLinks(document);
    var note = document.querySelector(".session-note[data-idle-seconds][data-ping-url]");
    var timer = null;
    if (note) {
      timer = new SessionTimer(note);
      timer.start();
    }
    wireHtmx(timer);
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
})();
